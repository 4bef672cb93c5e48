package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** Scores a checkpoint with the Java encoder. */
@Schema(
        name = "EvaluateJobRequest",
        description = "Encodes with the checkpoint's own pooling and normalisation and "
                + "scores it: STS as cosine Spearman × 100 (MTEB's main STS score), retrieval as nDCG@10 × 100 with MRR@10 "
                + "and Recall@100 (exact search). Scores are in result.scores.")
public record EvaluateJobRequest(
        @Schema(
                description = "Checkpoint folder URI",
                example = "file:./data/models/minilm",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String checkpoint,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<EvaluationSpec> evaluation,

        @Schema(
                description = "Worker pool to run on (cpu or gpu); default: the pool its kind is routed to "
                        + "(merge.jobs.routing)",
                example = "gpu")
        String pool,

        @Schema(description = JobRequest.METADATA_DESCRIPTION, example = "{\"argo-workflow\": \"nightly-merge-7f2c\"}")
        Map<String, String> metadata,

        @Schema(description = JobRequest.NOTIFY_DESCRIPTION) @JsonProperty("notify")
        JobNotify notification)
        implements JobRequest {

    @Override
    public String kind() {
        return "evaluate";
    }
}
