package io.embedmerge.api;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A page of jobs, newest first: summaries by default, whole jobs with {@code view=full}. */
@Schema(name = "JobPage")
public record JobPageView(
        @ArraySchema(schema = @Schema(anyOf = {JobSummaryView.class, JobView.class}))
        List<?> jobs,

        @Schema(description = "Pass as pageToken for the next page; absent on the last page.")
        String nextPageToken) {}
