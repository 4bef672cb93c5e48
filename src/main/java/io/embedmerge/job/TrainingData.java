package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** One training dataset: pairs (JSONL query/positive, FlagEmbedding query/pos, or STS data above a threshold). */
public record TrainingData(
        @Schema(example = "file:./data/train/sts-train.csv", requiredMode = Schema.RequiredMode.REQUIRED) String uri,
        @Schema(description = "Weight in the mixture when the datasets are trained together: the multiple of its size it contributes, or its ratio under `resample` (default 1)") Double weight) {
}
