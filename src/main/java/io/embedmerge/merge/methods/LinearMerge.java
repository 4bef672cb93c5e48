package io.embedmerge.merge.methods;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.WeightedSum;
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
                "https://arxiv.org/abs/2203.05482", List.of(Params.LAMBDA, Params.normalize(true)),
                WeightSpec.signed(Params.POSITIVE_SUM), List.of(), DataNeeds.NONE));
    }

    public static LinearMerge taskArithmetic() {
        return new LinearMerge(new MethodDescriptor("task_arithmetic",
                "Task arithmetic: θ0 + λ·Σ w_i V_i (set normalize=true to divide by Σ w_i).",
                "https://arxiv.org/abs/2212.04089", List.of(Params.LAMBDA, Params.normalize(false)),
                WeightSpec.signed(Params.POSITIVE_SUM), List.of(), DataNeeds.NONE));
    }

    @Override
    public MethodDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        scales(params, weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        WeightedSum sum = new WeightedSum(scales(setup.params(), setup.weights()));
        return tensor -> sum;
    }

    /** λ w_i / (normalize ? Σ w : 1). */
    static double[] scales(MethodParams params, List<Double> weights) {
        double divisor = params.bool("normalize") ? Params.weightSum(weights) : 1.0;
        double lambda = params.number("lambda");
        double[] scale = new double[weights.size()];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = lambda * weights.get(i) / divisor;
        }
        return scale;
    }
}
