package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** Merge fine-tuned checkpoints into one: θ = θ0 + V_m with the chosen method. */
@Schema(name = "MergeJobRequest", description = "Merges the task vectors of `models` (relative to `base`).")
public record MergeJobRequest(
        @Schema(description = "Base checkpoint θ0 (folder URI).", example = "file:./data/models/base",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String base,
        @Schema(description = "Fine-tuned checkpoints θ1..θN, in order.", requiredMode = Schema.RequiredMode.REQUIRED)
        List<ModelInput> models,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
        MethodSpec method,
        @Schema(description = "Output folder URI; default `<merge.storage.default-output>/<job id>/`. Must not exist.",
                example = "file:./data/outputs/merged-sts-nli")
        String output,
        @Schema(description = "dtype of merged tensors; default: each base tensor's own dtype.", example = "f32")
        OutputDtype outputDtype,
        @Schema(description = "Seed for methods that sample (dare).", example = "42")
        Long seed) implements JobRequest {

    @Override
    public String kind() {
        return "merge";
    }
}
