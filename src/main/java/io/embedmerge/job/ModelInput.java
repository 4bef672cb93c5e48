package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** One fine-tuned checkpoint to merge. */
public record ModelInput(
        @Schema(description = "Checkpoint folder URI (file: inside a storage root, or s3://bucket/prefix).",
                example = "file:./data/models/sts", requiredMode = Schema.RequiredMode.REQUIRED)
        String uri,
        @Schema(description = "Per-model weight w_i (default 1).", example = "1.0")
        Double weight,
        @Schema(description = "Free-form label shown in results.", example = "sts")
        String label,
        @Schema(description = "fisher, regmean: this model's probe pairs (same formats as `probe`)")
        String probe) {

    public double effectiveWeight() {
        return weight == null ? 1.0 : weight;
    }
}
