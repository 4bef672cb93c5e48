package io.embedmerge.eval;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** One evaluation's main score (MTEB's main metric × 100) and all its metrics. */
public record Score(
        @Schema(description = "STS: cosine Spearman × 100; retrieval: nDCG@10 × 100", example = "82.03")
        double main,

        @Schema(description = "Every metric computed, × 100")
        Map<String, Double> metrics) {}
