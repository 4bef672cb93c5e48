package io.embedmerge.merge.methods;

import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.RegMeanWeights;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.WeightedSum;
import java.util.List;

/**
 * RegMean (merge-methods.md): every Linear weight is the regression-mean solution W_mᵀ = (Σ G̃_i)⁻¹ Σ G̃_i W_iᵀ from
 * the models' input Gram matrices on their probe data (solved in float64 by the worker before the merge); every
 * other tensor (biases, LayerNorm, embeddings) is the linear merge with the per-model weights.
 */
final class RegMeanMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "regmean",
            "Regression mean: each Linear weight minimises Σ_i ‖X_i Wᵀ − X_i W_iᵀ‖² over the models' probe inputs "
                    + "(G̃ = r·XᵀX + (1−r)·diag), other tensors are averaged with the per-model weights. Needs models[i].probe.",
            "https://arxiv.org/abs/2212.09849",
            List.of(
                    new ParamSpec(
                            "regmeanExamples", ParamType.INTEGER, 256L, "Probe pairs per model.", 1.0, 1e7, List.of()),
                    new ParamSpec(
                            "reduceNonDiagonalRatio",
                            ParamType.NUMBER,
                            0.9,
                            "r: share of the off-diagonal Gram entries kept.",
                            0.0,
                            1.0,
                            List.of()),
                    new ParamSpec(
                            "batchSize", ParamType.INTEGER, 16L, "Texts per forward pass.", 1.0, 4096.0, List.of()),
                    Params.SCORE_THRESHOLD),
            WeightSpec.signed("the weights must sum to more than zero"),
            List.of(),
            new DataNeeds(DataNeeds.Probe.PER_MODEL, DataNeeds.EncoderPass.REGMEAN_WEIGHTS));

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.weightSum(weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        if (!(setup.precomputed() instanceof RegMeanWeights solved)) {
            throw new IllegalStateException("regmean needs its Linear weights solved before the merge");
        }
        double sum = Params.weightSum(setup.weights());
        WeightedSum average = new WeightedSum(
                setup.weights().stream().mapToDouble(w -> w / sum).toArray());
        return tensor -> {
            TensorInfo merged = solved.linearWeights().tensors().get(tensor.name());
            if (merged == null) {
                return average;
            }
            return (first, base, models, out, from, to) ->
                    solved.linearWeights().readFloats(merged, first + from, out, from, to - from);
        };
    }
}
