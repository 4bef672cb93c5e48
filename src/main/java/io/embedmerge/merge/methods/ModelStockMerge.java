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
import java.util.Arrays;
import java.util.List;

/**
 * Model Stock (Jang et al. 2024): per tensor, θ0 + t·mean(V_i) with t = N cosθ / (1 + (N−1) cosθ), cosθ the mean of
 * the pairwise cosines of the task vectors (as mergekit, norms clamped at 1e-6, each cosine clamped to [−1, 1]).
 * One Gram pass gives every cosine.
 */
final class ModelStockMerge implements MergeMethod {

    static final double MIN_NORM_PRODUCT = 1e-6;

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "model_stock",
            "Model Stock: per tensor, interpolates from the base towards the average of the models by "
                    + "t = N·cosθ / (1 + (N−1)·cosθ), cosθ the mean pairwise cosine of the task vectors (t = 0 where "
                    + "1 + (N−1)·cosθ ≤ 0). Needs at least two models; takes no per-model weights.",
            "https://arxiv.org/abs/2403.19522",
            List.of(SliceLayout.PARAM),
            WeightSpec.unused(),
            List.of("gram"),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requireModelCount("model_stock", weights, 2, Integer.MAX_VALUE);
        Params.requireUnitWeights("model_stock", weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        GramMatrices grams = GramMatrices.compute(setup.inputs(), n);
        return tensor -> {
            double[] scales = new double[n];
            Arrays.fill(scales, ratio(grams.of(tensor)) / n);
            return new WeightedSum(scales);
        };
    }

    /** t from the Gram matrix of one tensor's task vectors. */
    static double ratio(double[][] gram) {
        int n = gram.length;
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double norms = Math.max(Math.sqrt(gram[i][i]) * Math.sqrt(gram[j][j]), MIN_NORM_PRODUCT);
                sum += Math.clamp(gram[i][j] / norms, -1.0, 1.0);
                pairs++;
            }
        }
        double cos = sum / pairs;
        double denominator = 1 + (n - 1) * cos;
        return denominator <= 0 ? 0 : n * cos / denominator;
    }
}
