package io.embedmerge.merge.methods;

import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.MethodParams;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a task-arithmetic family member for one tensor (or for the whole model), resolved per model:
 * {@code models[i].params} over {@code method.params}, each evaluated at the tensor (see {@link TensorSettings}).
 * A parameter the member does not have takes its neutral value (density 1, gamma 0, epsilon 0).
 */
record FamilySettings(
        double[] weights,
        double[] density,
        double[] gamma,
        double[] epsilon,
        double lambda,
        boolean normalize,
        boolean countSigns,
        boolean modelGranularity,
        boolean rescaleNorm) {

    /** @param tensor the tensor, or null for model-wide values (which must not vary per tensor) */
    static FamilySettings of(MergeSetup setup, MergeTensor tensor, LayerPositions positions) {
        return of(
                setup.params(),
                setup.modelParams(),
                setup.weights(),
                tensor == null ? "" : tensor.name(),
                tensor == null ? 0 : positions.of(tensor));
    }

    static FamilySettings of(
            MethodParams p, List<MethodParams> perModel, List<Double> weights, String tensor, double t) {
        int n = weights.size();
        return new FamilySettings(
                TensorSettings.weights(p, perModel, weights, tensor, t),
                perModel(p, perModel, "density", 1.0, n, tensor, t),
                perModel(p, perModel, "gamma", 0.0, n, tensor, t),
                perModel(p, perModel, "epsilon", 0.0, n, tensor, t),
                TensorSettings.evaluate(p.values().get("lambda"), tensor, t, 1.0),
                p.bool("normalize"),
                "count".equals(p.values().get("signMethod")),
                !"tensor".equals(p.values().get("granularity")),
                "norm".equals(p.values().get("rescale")));
    }

    /** A parameter per model: its own, else the method-wide one, else the member's neutral value. */
    private static double[] perModel(
            MethodParams p, List<MethodParams> perModel, String name, double neutral, int n, String tensor, double t) {
        double fallback = p.values().get(name) instanceof Number g ? g.doubleValue() : neutral;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = TensorSettings.evaluate(TensorSettings.raw(p, perModel, i, name, neutral), tensor, t, fallback);
        }
        return values;
    }

    boolean equalDensities() {
        return Arrays.stream(density).allMatch(d -> d == density[0]);
    }

    /** λ w_i / (normalize ? Σ w : 1). */
    double[] linearScales() {
        double divisor =
                normalize ? Params.weightSum(Arrays.stream(weights).boxed().toList()) : 1.0;
        double[] scale = new double[weights.length];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = lambda * weights[i] / divisor;
        }
        return scale;
    }
}
