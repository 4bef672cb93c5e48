package io.embedmerge.api;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** A page of jobs, newest first. */
@Schema(name = "JobPage")
public record JobPageView(List<JobView> jobs,
                          @Schema(description = "Pass as pageToken for the next page; absent on the last page.")
                          String nextPageToken) {
}
