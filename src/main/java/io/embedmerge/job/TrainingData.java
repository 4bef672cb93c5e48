package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** One training dataset: pairs (JSONL query/positive, FlagEmbedding query/pos, or STS data above a threshold). */
public record TrainingData(
        @Schema(example = "file:./data/train/sts-train.csv", requiredMode = Schema.RequiredMode.REQUIRED) String uri,
        @Schema(description = "Share of the mixture when the datasets are trained together (default 1)") Double weight) {
}
