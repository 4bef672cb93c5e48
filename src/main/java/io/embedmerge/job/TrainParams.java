package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** Hyper-parameters of fine-tuning (InfoNCE or CoSENT, AdamW, linear warm-up and decay). */
public record TrainParams(
        @Schema(description = "Optimizer steps per run (default 100; ignored when epochs is set)")
        Integer steps,

        @Schema(description = "Passes over each run's data; sets steps = ⌈epochs·pairs/batchSize⌉")
        Double epochs,

        @Schema(description = "Pairs per step (default 32)") Integer batchSize,

        @Schema(description = "Peak learning rate (default 2e-5)")
        Double learningRate,

        @Schema(description = "Share of the steps spent warming up (default 0.1)")
        Double warmupRatio,

        @Schema(description = "InfoNCE temperature τ (default 0.05)")
        Double temperature,

        @Schema(description = "For STS data: pairs scoring at least this are positives (default 4)")
        Double scoreThreshold,

        @Schema(
                description =
                        "Tokens kept per text during training, special tokens included (default: the base's "
                                + "max_seq_length, which is also the cap); the trained checkpoint keeps the base's max_seq_length")
        Integer maxSeqLength,

        @Schema(
                allowableValues = {"infonce", "cosent"},
                description = "`infonce` (default): InfoNCE on pairs above "
                        + "scoreThreshold, with in-batch and given negatives; `cosent`: CoSENT on every scored STS pair "
                        + "(scale 1/temperature), a similarity-score objective")
        String objective) {}
