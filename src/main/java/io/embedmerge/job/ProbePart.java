package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** One part of a probe mixture: its data, the loss it enters with, and its weight in Σ w_k L_k. */
@Schema(
        name = "ProbePart",
        description = "One part of a probe mixture: the loss is Σ_k weight_k · L_k, each part "
                + "with its own batch of batchSize pairs.")
public record ProbePart(
        @Schema(
                description = "Data URI of the part's pairs (JSONL query/positive, FlagEmbedding query/pos, or STS "
                        + "data).",
                example = "builtin:stsb-en-train",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String uri,

        @Schema(
                description = "`infonce` (default): (query, positive) pairs, STS data above scoreThreshold; `cosent`: "
                        + "every STS pair with its gold score (needs STS data).",
                example = "infonce",
                allowableValues = {"infonce", "cosent"})
        String objective,

        @Schema(description = "Weight w_k of this part's loss (default 1); positive and finite.", example = "1.0")
        Double weight,

        @Schema(
                description = "At most this many pairs of the part, a seeded sample (default: all; fisher and regmean: "
                        + "fisherExamples / regmeanExamples).",
                example = "2000",
                minimum = "1")
        Integer examples,

        @Schema(
                description = "infonce parts of STS data: pairs scoring at least this count (default: the method's "
                        + "scoreThreshold).",
                example = "4")
        Double scoreThreshold,

        @Schema(
                description = "Name of the part in result.probeLossCurves (default `probe[k]`).",
                example = "paraphrases")
        String label) {

    public static final String INFONCE = "infonce";
    public static final String COSENT = "cosent";

    public String effectiveObjective() {
        return objective == null ? INFONCE : objective;
    }

    public double effectiveWeight() {
        return weight == null ? 1.0 : weight;
    }
}
