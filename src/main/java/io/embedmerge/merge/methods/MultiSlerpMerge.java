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
 * Multi-SLERP (as mergekit, with the base as origin): per tensor, the task vectors are projected on the unit sphere,
 * their weighted mean m̂ is the tangent point, the weighted mean of the tangent vectors is mapped back by the
 * exponential map and scaled by Σ w_i ‖V_i‖. Every step is a linear combination of the V_i, so the per-tensor Gram
 * matrix gives the coefficients and one write pass applies them. The weights may vary per tensor.
 */
final class MultiSlerpMerge implements MergeMethod {

    static final double EPS = 1e-8;

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "multislerp",
            "Multi-SLERP: barycentric interpolation of the task vectors on the hypersphere, per tensor: tangent space at "
                    + "the normalised weighted mean of the unit task vectors, weighted mean there, exponential map back, "
                    + "scaled by Σ w_i ‖V_i‖. Where the weighted mean of the unit vectors is ~0, the weighted sum.",
            "https://goddard.blog/posts/multislerp-wow-what-a-cool-idea",
            List.of(Params.normalize(true), Params.modelWeight(false), SliceLayout.PARAM),
            WeightSpec.signed(Params.POSITIVE_SUM),
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

    /** With normalize, weights that are one number each must sum above zero; per-tensor ones are checked per tensor. */
    @Override
    public void validate(MethodParams params, List<MethodParams> perModel, List<Double> weights) {
        if (params.bool("normalize")
                && perModel.stream()
                        .noneMatch(m -> TensorSettings.varies(m.values().get("weight")))) {
            Params.weightSum(java.util.Arrays.stream(TensorSettings.weights(params, perModel, weights, "", 0))
                    .boxed()
                    .toList());
        }
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        LayerPositions positions = LayerPositions.of(setup);
        boolean normalize = setup.params().bool("normalize");
        GramMatrices grams = GramMatrices.compute(setup.inputs(), n);
        return tensor -> {
            double[] w = TensorSettings.weights(
                    setup.params(), setup.modelParams(), setup.weights(), tensor.name(), positions.of(tensor));
            if (normalize) {
                double sum = Params.weightSum(java.util.Arrays.stream(w).boxed().toList());
                for (int i = 0; i < n; i++) {
                    w[i] /= sum;
                }
            }
            return new WeightedSum(coefficients(grams.of(tensor), w));
        };
    }

    /** The result as Σ c_i V_i, from the Gram matrix G of the V_i and the (normalised) weights. */
    static double[] coefficients(double[][] gram, double[] w) {
        int n = w.length;
        if (n == 1) {
            return new double[] {1};
        }
        double[] norms = new double[n];
        double[] alpha = new double[n];
        double averageNorm = 0;
        for (int i = 0; i < n; i++) {
            norms[i] = Math.sqrt(Math.max(0, gram[i][i]));
            alpha[i] = w[i] / (norms[i] + EPS);
            averageNorm += w[i] * norms[i];
        }
        double meanNorm = Math.sqrt(Math.max(0, quadratic(gram, alpha)));
        if (meanNorm < EPS) {
            return w.clone();
        }
        // dots_i = ⟨u_i, m̂⟩; tangent result T = m − (Σ w_i dots_i) m̂
        double s = 0;
        for (int i = 0; i < n; i++) {
            double gAlpha = 0;
            for (int j = 0; j < n; j++) {
                gAlpha += gram[i][j] * alpha[j];
            }
            s += w[i] * gAlpha / ((norms[i] + EPS) * meanNorm);
        }
        double[] tangent = new double[n];
        for (int i = 0; i < n; i++) {
            tangent[i] = alpha[i] - s * alpha[i] / meanNorm;
        }
        double tangentNorm = Math.sqrt(Math.max(0, quadratic(gram, tangent))) + EPS;
        double cos = Math.cos(tangentNorm);
        double sinc = Math.sin(tangentNorm) / tangentNorm;
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = (alpha[i] / meanNorm * cos + tangent[i] * sinc) * averageNorm;
        }
        return c;
    }

    private static double quadratic(double[][] gram, double[] x) {
        double q = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                q += x[i] * gram[i][j] * x[j];
            }
        }
        return q;
    }
}
