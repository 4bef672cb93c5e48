package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** One fine-tuned checkpoint to merge. */
public record ModelInput(
        @Schema(
                description = "Checkpoint folder URI (file: inside a storage root, or s3://bucket/prefix).",
                example = "file:./data/models/sts",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String uri,

        @Schema(description = "Per-model weight w_i (default 1).", example = "1.0")
        Double weight,

        @Schema(description = "Free-form label shown in results.", example = "sts")
        String label,

        @Schema(
                description = "fisher, regmean: this model's probe data (same forms as the request's `probe`: a "
                        + "data URI or a list of parts)")
        ProbeSpec probe,

        @Schema(
                description = "Parameters of the method for this model only (see GET /v1/methods: those with scope "
                        + "'model'), e.g. density, gamma, epsilon, weight. A value may vary per tensor where the scope lists "
                        + "'tensor': a list of numbers across the layers ([0, 0.5, 1]) or [{\"filter\": \"attention\", "
                        + "\"value\": 0.3}, {\"value\": 0.7}].",
                example = "{\"density\": 0.5, \"weight\": [0.2, 1.0]}")
        Map<String, Object> params) {

    public double effectiveWeight() {
        return weight == null ? 1.0 : weight;
    }
}
