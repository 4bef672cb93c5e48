package io.embedmerge.analysis;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Task-conflict statistics of N task vectors, for the whole model and per layer (the quantities the paper uses to
 * show task conflict and data imbalance).
 */
@Schema(name = "TaskVectorReport")
public record TaskVectorReport(
        @Schema(description = "Labels of the models, in request order")
        List<String> labels,

        @Schema(description = "Density ρ of the TIES trim whose kept shares are reported")
        double trimDensity,

        Group model,
        List<Group> layers) {

    /**
     * Statistics of one group of tensors (the whole model, or one layer).
     *
     * @param norms            ‖V_i‖ per model
     * @param cosine           cos(V_i, V_j) (NaN-free: 0 where a vector is zero)
     * @param angleDegrees     the angle between V_i and V_j in degrees
     * @param signConflictRate share of entries, among those where both V_i and V_j are non-zero, whose signs differ
     * @param keptShare        per model, the share of this group's entries kept by a model-level TIES trim at ρ
     */
    public record Group(
            String name,
            long elements,
            List<Double> norms,
            List<List<Double>> cosine,
            List<List<Double>> angleDegrees,
            List<List<Double>> signConflictRate,
            List<Double> keptShare,

            @Schema(
                    description =
                            "Share of entries with at least two non-zero task-vector entries whose signs are not all equal")
            double anySignConflictRate) {}
}
