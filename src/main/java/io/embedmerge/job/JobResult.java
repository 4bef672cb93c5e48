package io.embedmerge.job;

import io.embedmerge.analysis.TaskVectorReport;
import io.embedmerge.storage.StoredFile;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** What a finished job produced; each kind fills its own fields. */
public record JobResult(
        @Schema(description = "merge: the published checkpoint folder") Output output,
        @Schema(description = "analyze: task-vector statistics") TaskVectorReport analysis) {

    public static JobResult of(Output output) {
        return new JobResult(output, null);
    }

    public static JobResult of(TaskVectorReport analysis) {
        return new JobResult(null, analysis);
    }

    /** The published output folder and its files with sizes and SHA-256. */
    public record Output(String uri, List<StoredFile> files) {
    }
}
