package io.embedmerge.merge.methods;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.WeightedSum;
import io.embedmerge.merge.statistics.GramMatrices;
import io.embedmerge.merge.statistics.SlerpCoefficients;

import java.util.List;

/**
 * Spherical interpolation of task vectors, iterated over N models with the paper's weights (merge-methods.md).
 * One pass computes the Gram matrix of the task vectors (per tensor, and summed for the whole model), a second
 * writes θ0 + λ Σ c_i V_i.
 */
final class SlerpMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor("slerp",
            "Iterated spherical interpolation of the task vectors, t_k = a_k / (mean(a_1..a_{k-1}) + a_k) with a_i the "
                    + "per-model weights (two models: t = a_2/(a_1+a_2)); lerp where a vector is ~0 or |cos Ω| > 0.9995. "
                    + "The result keeps the un-normalised norm.",
            "https://arxiv.org/abs/2410.15035",
            List.of(Params.LAMBDA, Params.GRANULARITY), WeightSpec.positiveWeights(),
            List.of("gram"), DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requirePositiveWeights("slerp", weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        double[] a = setup.weights().stream().mapToDouble(Double::doubleValue).toArray();
        double lambda = setup.params().number("lambda");
        GramMatrices grams = GramMatrices.compute(setup.inputs(), n);
        if (setup.params().string("granularity").equals("model")) {
            WeightedSum sum = new WeightedSum(scaled(SlerpCoefficients.compute(grams.model(), a).c(), lambda));
            return tensor -> sum;
        }
        return tensor -> new WeightedSum(scaled(SlerpCoefficients.compute(grams.of(tensor), a).c(), lambda));
    }

    private static double[] scaled(double[] c, double lambda) {
        double[] s = c.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] *= lambda;
        }
        return s;
    }
}
