package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** Task-vector statistics of fine-tuned checkpoints against their base (norms, angles, sign conflicts, trim shares). */
@Schema(
        name = "AnalyzeJobRequest",
        description = "Computes per model and per layer: task-vector L2 norms, pairwise "
                + "cosine and angle, sign-conflict rates, and the share of each layer kept by a TIES trim at `density`. "
                + "The result is in `result.analysis` and drawn on GET /v1/jobs/{id}/report.")
public record AnalyzeJobRequest(
        @Schema(
                description = "Base checkpoint θ0 (folder URI).",
                example = "file:./data/models/base",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String base,

        @Schema(description = "Fine-tuned checkpoints θ1..θN.", requiredMode = Schema.RequiredMode.REQUIRED)
        List<ModelInput> models,

        @Schema(
                description = "Density ρ of the TIES trim whose kept share per layer is reported (default 0.2).",
                example = "0.2")
        Double density,

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
        return "analyze";
    }

    public double effectiveDensity() {
        return density == null ? 0.2 : density;
    }
}
