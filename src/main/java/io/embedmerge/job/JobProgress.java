package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** Where a job is: the current stage, the fraction of it done (0..1) and a human-readable line. */
public record JobProgress(
        @Schema(example = "merging") String stage,
        @Schema(example = "0.42") Double fraction,

        @Schema(example = "tensor 83/199 encoder.layer.6.attention.self.query.weight, ETA 12 s")
        String message) {}
