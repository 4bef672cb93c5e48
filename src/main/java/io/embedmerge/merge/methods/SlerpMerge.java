package io.embedmerge.merge.methods;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.SliceLayout;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.WeightedSum;
import io.embedmerge.merge.statistics.GramMatrices;
import io.embedmerge.merge.statistics.SlerpCoefficients;
import java.util.List;

/**
 * Spherical interpolation of task vectors, iterated over N models with the paper's weights (merge-methods.md).
 * One pass computes the Gram matrix of the task vectors (per tensor, and summed for the whole model), a second
 * writes θ0 + λ Σ c_i V_i. λ may vary per tensor; the weights a_i too with granularity 'tensor'.
 */
final class SlerpMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "slerp",
            "Iterated spherical interpolation of the task vectors, t_k = a_k / (mean(a_1..a_{k-1}) + a_k) with a_i the "
                    + "per-model weights (two models: t = a_2/(a_1+a_2)); lerp where a vector is ~0 or |cos Ω| > 0.9995. "
                    + "The result keeps the un-normalised norm. (mergekit's slerp, between the base and one model, is "
                    + "slerp_pair.)",
            "https://arxiv.org/abs/2410.15035",
            List.of(Params.TENSOR_LAMBDA, Params.GRANULARITY, Params.modelWeight(true), SliceLayout.PARAM),
            WeightSpec.positiveWeights(),
            List.of("gram"),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        validate(params, List.of(), weights);
    }

    @Override
    public void validate(MethodParams params, List<MethodParams> perModel, List<Double> weights) {
        Params.requirePositiveWeights("slerp", weights);
        TensorSettings.requirePositiveWeights("slerp", perModel);
        if (params.string("granularity").equals("model")) {
            TensorSettings.requireConstant(
                    "weight",
                    params,
                    perModel,
                    "which needs granularity 'tensor' (the model-wide angle takes one weight per model)");
        }
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        MethodParams p = setup.params();
        LayerPositions positions = LayerPositions.of(setup);
        GramMatrices grams = GramMatrices.compute(setup.inputs(), n);
        if (p.string("granularity").equals("model")) {
            double[] c = SlerpCoefficients.compute(
                            grams.model(), TensorSettings.weights(p, setup.modelParams(), setup.weights(), "", 0))
                    .c();
            return tensor -> new WeightedSum(scaled(
                    c, TensorSettings.evaluate(p.values().get("lambda"), tensor.name(), positions.of(tensor), 1.0)));
        }
        return tensor -> {
            double t = positions.of(tensor);
            double[] a = TensorSettings.weights(p, setup.modelParams(), setup.weights(), tensor.name(), t);
            return new WeightedSum(scaled(
                    SlerpCoefficients.compute(grams.of(tensor), a).c(),
                    TensorSettings.evaluate(p.values().get("lambda"), tensor.name(), t, 1.0)));
        };
    }

    private static double[] scaled(double[] c, double lambda) {
        double[] s = c.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] *= lambda;
        }
        return s;
    }
}
