package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** One training dataset: pairs (JSONL query/positive, FlagEmbedding query/pos, or STS data above a threshold). */
public record TrainingData(
        @Schema(example = "file:./data/train/sts-train.csv", requiredMode = Schema.RequiredMode.REQUIRED)
        String uri,

        @Schema(
                description =
                        "Weight in the mixture when the datasets are trained together: the multiple of its size it contributes, or its ratio under `resample` (default 1)")
        Double weight,

        @Schema(
                allowableValues = {"infonce", "cosent"},
                description = "This dataset's objective (default: "
                        + "`params.objective`). A mixture whose datasets have different objectives is trained in batches "
                        + "that each come from one dataset, scored by its objective")
        String objective,

        @Schema(
                description = "For STS data under `infonce`: pairs scoring at least this are positives (default: "
                        + "`params.scoreThreshold`)")
        Double scoreThreshold) {}
