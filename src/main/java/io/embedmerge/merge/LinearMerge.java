package io.embedmerge.merge;

import java.util.List;

/**
 * {@code V_m = λ Σ w_i V_i / Σ w_i} (normalize) or {@code λ Σ w_i V_i}, with {@code V_i = θ_i − θ0}; the result is
 * {@code θ0 + V_m}. Registered twice: as {@code linear} (normalize by default, the paper's Average Merging) and as
 * {@code task_arithmetic} (no normalization by default).
 */
public final class LinearMerge implements MergeMethod {

    private final MethodDescriptor descriptor;

    private LinearMerge(MethodDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    public static LinearMerge linear() {
        return new LinearMerge(new MethodDescriptor("linear",
                "Weighted average of the task vectors (the paper's Average Merging): θ0 + λ·Σ w_i V_i / Σ w_i.",
                params(true)));
    }

    public static LinearMerge taskArithmetic() {
        return new LinearMerge(new MethodDescriptor("task_arithmetic",
                "Task arithmetic: θ0 + λ·Σ w_i V_i (set normalize=true to divide by Σ w_i).",
                params(false)));
    }

    private static List<ParamSpec> params(boolean normalize) {
        return List.of(
                ParamSpec.number("lambda", 1.0, "Scale λ applied to the merged task vector."),
                ParamSpec.bool("normalize", normalize, "Divide the weighted sum by the sum of the per-model weights."));
    }

    @Override
    public MethodDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public ElementwiseMerger prepare(MethodParams params, List<Double> weights) {
        double lambda = params.number("lambda");
        double divisor = 1.0;
        if (params.bool("normalize")) {
            divisor = weights.stream().mapToDouble(Double::doubleValue).sum();
            if (divisor == 0.0) {
                throw new InvalidMergeRequestException("models[].weight",
                        "the per-model weights sum to zero, so normalize=true cannot divide by them");
            }
        }
        double[] scale = new double[weights.size()];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = lambda * weights.get(i) / divisor;
        }
        return (base, models, out, count) -> {
            for (int j = 0; j < count; j++) {
                double b = base[j];
                double acc = b;
                for (int i = 0; i < scale.length; i++) {
                    acc += scale[i] * (models[i][j] - b);
                }
                out[j] = (float) acc;
            }
        };
    }
}
