package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.embedmerge.merge.execution.MergeExecutor;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** Merge fine-tuned checkpoints into one: θ = θ0 + V_m with the chosen method. */
@Schema(name = "MergeJobRequest", description = "Merges the task vectors of `models` (relative to `base`).")
public record MergeJobRequest(
        @Schema(
                description = "Base checkpoint θ0 (folder URI).",
                example = "file:./data/models/base",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String base,

        @Schema(description = "Fine-tuned checkpoints θ1..θN, in order.", requiredMode = Schema.RequiredMode.REQUIRED)
        List<ModelInput> models,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) MethodSpec method,

        @Schema(
                description = "Output folder URI; default `<merge.storage.default-output>/<job id>/`. Must not exist.",
                example = "file:./data/outputs/merged-sts-nli")
        String output,

        @Schema(description = "dtype of merged tensors; default: each base tensor's own dtype.", example = "f32")
        OutputDtype outputDtype,

        @Schema(
                description = "Seed of the random drops of dare_linear and dare_ties (default 0): the same request "
                        + "gives byte-identical output.",
                example = "42")
        Long seed,

        @Schema(
                description = "Largest tensor data per output shard (default 5000000000, as Hugging Face); larger "
                        + "outputs are written as model-0000i-of-0000n.safetensors with model.safetensors.index.json.",
                example = "5000000000")
        Long maxShardBytes,

        @Schema(description = "Evaluations of the merged checkpoint (scores in result.scores)")
        List<EvaluationSpec> evaluation,

        @Schema(description = "Also score the base and every input model (result.comparison)")
        Boolean evaluateInputs,

        @Schema(
                description = "self_positioning: the probe/target data: a data URI (JSONL query/positive, "
                        + "FlagEmbedding query/pos, or STS data whose pairs above scoreThreshold count; InfoNCE) or a list of "
                        + "parts whose losses are summed with their weights (see ProbePart)")
        ProbeSpec probe,

        @Schema(
                description = "Merge inputs that hold NaN or ±Inf instead of failing the job with NON_FINITE_INPUT "
                        + "(default false). The merged output is checked either way: a value that is not finite in the output "
                        + "dtype fails the job with NON_FINITE_OUTPUT and nothing is published.",
                example = "false")
        Boolean allowNonFinite,

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

    public boolean allowsNonFinite() {
        return Boolean.TRUE.equals(allowNonFinite);
    }

    public long effectiveSeed() {
        return seed == null ? 0L : seed;
    }

    public long effectiveMaxShardBytes() {
        return maxShardBytes == null ? MergeExecutor.DEFAULT_MAX_SHARD_BYTES : maxShardBytes;
    }

    @Override
    public String kind() {
        return "merge";
    }
}
