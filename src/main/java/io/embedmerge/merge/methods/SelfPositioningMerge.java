package io.embedmerge.merge.methods;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.LearnedCoefficients;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.WeightedSum;

import java.util.List;

/**
 * Self-Positioning (2410.15035): θ0 + λ·U_N(a) with (a, λ) learned by Adam on the probe set (the request's
 * {@code probe}); the per-model weights are the initial a_i. The search runs before the merge (worker), which then
 * writes θ0 + λ Σ c_i V_i like a model-level slerp.
 */
final class SelfPositioningMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor("self_positioning",
            "Learns the slerp weights a_i and the scale λ by SGD (Adam) on the probe set: minimises the contrastive loss "
                    + "of θ0 + λ·U_N(a) plus μ·λ over the N+1 scalars only. Needs `probe` (pairs). The initial a_i are "
                    + "`initWeights`, or the per-model weights when it is absent.",
            "https://arxiv.org/abs/2410.15035",
            List.of(new ParamSpec("steps", ParamType.INTEGER, 200L, "Adam steps.", 1.0, 100_000.0, List.of()),
                    new ParamSpec("batchSize", ParamType.INTEGER, 16L, "Pairs per step.", 1.0, 4096.0, List.of()),
                    new ParamSpec("learningRate", ParamType.NUMBER, 0.05, "Adam step size on softplus⁻¹(a), softplus⁻¹(λ).",
                            1e-6, 10.0, List.of()),
                    new ParamSpec("mu", ParamType.NUMBER, 0.01, "Weight μ of the λ penalty (the paper: best below 0.05). "
                            + "Set it against the probe loss: where that is ~1e-3 (easy pairs), 0.01 drives λ towards 0.",
                            0.0, 10.0, List.of()),
                    Params.TEMPERATURE,
                    new ParamSpec("initWeights", ParamType.NUMBER_LIST, null,
                            "Initial a_1..a_N, one per model (default: the models' weights).", 1e-6, 100.0, List.of()),
                    new ParamSpec("initLambda", ParamType.NUMBER, 1.0, "Initial λ.", 1e-6, 100.0, List.of()),
                    Params.SCORE_THRESHOLD),
            WeightSpec.positiveWeights(),
            List.of(), new DataNeeds(DataNeeds.Probe.GLOBAL, DataNeeds.EncoderPass.COEFFICIENT_SEARCH));

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requirePositiveWeights("self_positioning", weights);
        double[] initWeights = params.numbers("initWeights");
        if (initWeights != null && initWeights.length != weights.size()) {
            throw new InvalidMergeRequestException("method.params.initWeights", "initWeights has " + initWeights.length
                    + " values for " + weights.size() + " models");
        }
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        if (!(setup.precomputed() instanceof LearnedCoefficients learned)) {
            throw new IllegalStateException("self_positioning needs its coefficients searched before the merge");
        }
        double[] scales = learned.c().clone();
        for (int i = 0; i < scales.length; i++) {
            scales[i] *= learned.lambda();
        }
        WeightedSum sum = new WeightedSum(scales);
        return tensor -> sum;
    }
}
