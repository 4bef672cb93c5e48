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
import java.util.List;

/**
 * NuSLERP (as mergekit, flattened tensors, with the base): per tensor, the slerp of the two task vectors with
 * t = w_2 / (w_1 + w_2) (0.5 when the weights sum to ~0), the angle from the vectors normalised with norms clamped
 * at 1e-7, lerp where |sin θ| < 1e-8. The Gram matrix gives the angle; one write pass applies the two coefficients.
 * The weights may vary per tensor.
 */
final class NuSlerpMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "nuslerp",
            "NuSLERP: per tensor, spherical interpolation of the two task vectors with t = w_2 / (w_1 + w_2) (0.5 "
                    + "when the weights sum to ~0); lerp where they are (anti)parallel. Exactly two models.",
            "https://github.com/arcee-ai/mergekit",
            List.of(Params.modelWeight(false), SliceLayout.PARAM),
            WeightSpec.signed(null),
            List.of("gram"),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requireModelCount("nuslerp", weights, 2, 2);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        LayerPositions positions = LayerPositions.of(setup);
        GramMatrices grams = GramMatrices.compute(setup.inputs(), 2);
        return tensor -> {
            double[] w = TensorSettings.weights(
                    setup.params(), setup.modelParams(), setup.weights(), tensor.name(), positions.of(tensor));
            return new WeightedSum(coefficients(grams.of(tensor), t(w[0], w[1])));
        };
    }

    /** t = w_2 / (w_1 + w_2), 0.5 when the weights sum to ~0 (as mergekit). */
    static double t(double w0, double w1) {
        return Math.abs(w0 + w1) < 1e-6 ? 0.5 : w1 / (w0 + w1);
    }

    static double[] coefficients(double[][] gram, double t) {
        double n0 = Math.max(Math.sqrt(Math.max(0, gram[0][0])), 1e-7);
        double n1 = Math.max(Math.sqrt(Math.max(0, gram[1][1])), 1e-7);
        double theta = Math.acos(Math.clamp(gram[0][1] / (n0 * n1), -1.0, 1.0));
        double sin = Math.sin(theta);
        if (Math.abs(sin) < 1e-8) {
            return new double[] {1 - t, t};
        }
        return new double[] {Math.sin((1 - t) * theta) / sin, Math.sin(t * theta) / sin};
    }
}
