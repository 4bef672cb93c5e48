package io.embedmerge.merge.methods;

import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.checkpoint.WeightFile;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.FisherDiagonals;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import java.util.List;

/**
 * Fisher merging (merge-methods.md): V_m = Σ λ_i (F_i + ε) V_i / Σ λ_i (F_i + ε) per entry, with F_i the diagonal
 * Fisher of model i on its probe pairs ({@code models[i].probe}) and λ_i the per-model weights. The Fisher
 * diagonals are computed by the worker with the encoder before the merge.
 */
final class FisherMerge implements MergeMethod {

    static final double EPSILON = 1e-6;

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "fisher",
            "Fisher-weighted average of the task vectors: per entry Σ λ_i (F_i+ε) V_i / Σ λ_i (F_i+ε), F_i the squared "
                    + "gradients of the contrastive loss of model i on its probe pairs (models[i].probe), ε = 1e-6.",
            "https://arxiv.org/abs/2111.09832",
            List.of(
                    new ParamSpec(
                            "fisherExamples", ParamType.INTEGER, 256L, "Probe pairs per model.", 1.0, 1e7, List.of()),
                    new ParamSpec("batchSize", ParamType.INTEGER, 16L, "Pairs per gradient.", 1.0, 4096.0, List.of()),
                    Params.TEMPERATURE,
                    Params.SCORE_THRESHOLD),
            WeightSpec.positiveWeights(),
            List.of(),
            new DataNeeds(DataNeeds.Probe.PER_MODEL, DataNeeds.EncoderPass.FISHER_DIAGONALS));

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requirePositiveWeights("fisher", weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        if (!(setup.precomputed() instanceof FisherDiagonals fisher)) {
            throw new IllegalStateException("fisher needs the models' Fisher diagonals computed before the merge");
        }
        double[] w = setup.weights().stream().mapToDouble(Double::doubleValue).toArray();
        return tensor -> {
            float[][] f = new float[w.length][];
            for (int i = 0; i < w.length; i++) {
                WeightFile file = fisher.perModel().get(i);
                TensorInfo diagonal = file.tensors().get(tensor.name());
                if (diagonal == null) {
                    throw new IllegalStateException("no Fisher diagonal for tensor '" + tensor.name() + "'");
                }
                f[i] = file.readFloats(diagonal);
            }
            return (first, base, models, out, from, to) -> {
                for (int j = from; j < to; j++) {
                    int e = (int) (first + j);
                    double numerator = 0;
                    double denominator = 0;
                    for (int i = 0; i < w.length; i++) {
                        double weight = w[i] * (f[i][e] + EPSILON);
                        numerator += weight * ((double) models[i][j] - base[j]);
                        denominator += weight;
                    }
                    out[j] = (float) (base[j] + numerator / denominator);
                }
            };
        };
    }
}
