package io.embedmerge.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.JobStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A group of jobs side by side: one row per scored checkpoint, one column per evaluation name. */
@Schema(
        name = "Comparison",
        description = "One row per checkpoint, one column per evaluation name; the highest value "
                + "of each column (ties included) is marked `best`.")
public record ComparisonView(
        @Schema(
                description = "Every evaluation name any row was scored on, in order of first appearance. Columns "
                        + "are matched by name: give the same evaluation the same name in every job.",
                example = "[\"stsb-test\", \"pairs\"]",
                requiredMode = Schema.RequiredMode.REQUIRED)
        List<String> columns,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Row> rows) {

    /** The roles of a row, as {@link Row#role()} names them. */
    static final String MERGED = "merged";

    static final String EVALUATED = "evaluated";
    static final String BASE = "base";
    static final String INPUT = "input";
    static final String OUTPUT = "output";

    /** One checkpoint (or one job without one) and its scores. */
    @Schema(name = "ComparisonRow")
    public record Row(
            @Schema(
                    description = "The job's `label` metadata if it has one; else the job id's first 8 characters "
                            + "and the method (merge), the checkpoint's folder name (evaluate) or the kind; for base and "
                            + "input rows the model's label or folder name",
                    example = "7f2c1a3b ties",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String label,

            @Schema(
                    description =
                            "merged: a merge job's output; evaluated: an evaluate job's checkpoint; base, "
                                    + "input: the base and inputs of a merge scored with evaluateInputs, once per checkpoint URI; "
                                    + "output: the output of another kind of job. A base or input that is the checkpoint of a "
                                    + "succeeded job of the group has no row of its own: that job's row takes the scores it lacks",
                    allowableValues = {MERGED, EVALUATED, BASE, INPUT, OUTPUT},
                    example = MERGED,
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String role,

            @Schema(
                    description = "The job the row comes from (for base and input rows: the first job that scored "
                            + "the checkpoint)",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            UUID job,

            @Schema(example = "merge", requiredMode = Schema.RequiredMode.REQUIRED)
            String kind,

            @Schema(
                    description = "The job's status; only SUCCEEDED jobs have scores",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            JobStatus status,

            @Schema(description = "The scored checkpoint", example = "file:./data/outputs/7f2c1a3b/")
            String uri,

            @Schema(
                    description = "merged rows: the method with every parameter (defaults filled in once the job "
                            + "succeeded)")
            JobResult.MethodUsed method,

            @Schema(description = "merged rows of self_positioning: the learned coefficients")
            JobResult.Coefficients coefficients,

            @Schema(description = "One cell per column", requiredMode = Schema.RequiredMode.REQUIRED)
            Map<String, Cell> scores,

            @Schema(
                    description = "Mean of the row's main scores over every column; null when the row lacks one of "
                            + "them, as an average over fewer evaluations would not be comparable",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            Cell average,

            @Schema(description = "Present when the job failed", example = "INVALID_CHECKPOINT")
            String errorCode,

            @Schema(description = "The job's metadata (job rows only)", example = "{\"experiment\": \"ties-density\"}")
            Map<String, String> metadata) {}

    /** One score of a row: its main value and whether it is the highest of its column. */
    @Schema(name = "ComparisonCell")
    public record Cell(
            @Schema(
                    types = {"number", "null"},
                    format = "double",
                    description = "The main score (× 100); null " + "where the checkpoint has no such score",
                    example = "82.03",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            @JsonInclude(JsonInclude.Include.ALWAYS)
            Double value,

            @Schema(
                    description = "True for the highest value of the column, for every row that has it",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            boolean best) {

        static final Cell MISSING = new Cell(null, false);
    }
}
