package io.embedmerge.merge.methods;

import io.embedmerge.merge.MethodParams;

import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a task-arithmetic family member, resolved per model. A parameter the member does not have
 * takes its neutral value (density 1, gamma 0, epsilon 0).
 */
record FamilySettings(double[] weights, double[] density, double[] gamma, double[] epsilon, double lambda,
                      boolean normalize, boolean countSigns, boolean modelGranularity, boolean rescaleNorm) {

    static FamilySettings of(MethodParams p, List<Double> weights) {
        int n = weights.size();
        return new FamilySettings(weights.stream().mapToDouble(Double::doubleValue).toArray(),
                perModel(p, "density", 1.0, n), perModel(p, "gamma", 0.0, n), perModel(p, "epsilon", 0.0, n),
                p.number("lambda"), p.bool("normalize"),
                "count".equals(p.values().get("signMethod")),
                !"tensor".equals(p.values().get("granularity")),
                "norm".equals(p.values().get("rescale")));
    }

    private static double[] perModel(MethodParams p, String name, double neutral, int n) {
        double[] values = new double[n];
        Arrays.fill(values, p.values().containsKey(name) ? p.number(name) : neutral);
        return values;
    }

    boolean equalDensities() {
        return Arrays.stream(density).allMatch(d -> d == density[0]);
    }

    /** λ w_i / (normalize ? Σ w : 1). */
    double[] linearScales() {
        double divisor = normalize ? Arrays.stream(weights).sum() : 1.0;
        double[] scale = new double[weights.length];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = lambda * weights[i] / divisor;
        }
        return scale;
    }
}
