package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkVisitor;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.InputScan;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamScope;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.SliceLayout;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.statistics.MagnitudeThresholds;
import java.util.List;
import java.util.function.Consumer;

/**
 * SCE (select, calculate, erase; as mergekit), per tensor: keep the entries whose variance across the task vectors
 * is among the top ⌊topk·(nonzero variances)⌋ (ties at the threshold kept), weight each model by the mean square of
 * its kept task vector (normalised to sum 1; equal when that sum is below 1e-6), elect signs by the unweighted sum,
 * and average the agreeing entries: Σ w_i τ_i / max(Σ w_i, 1e-6) over the agreeing i. Per tensor: a count pass and
 * two threshold passes (only when topk < 1), a mean-square pass, then the write pass. topk may vary per tensor.
 */
final class SceMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "sce",
            "SCE: per tensor, select the entries of highest variance across the task vectors (share selectTopk of the "
                    + "nonzero ones), weight models by the mean square of their selected task vector, erase entries "
                    + "against the elected sign, average the rest. Takes no per-model weights.",
            "https://arxiv.org/abs/2408.07990",
            List.of(
                    new ParamSpec(
                                    "selectTopk",
                                    ParamType.NUMBER,
                                    1.0,
                                    "Share of the entries with nonzero variance kept (highest variance first).",
                                    1e-9,
                                    1.0,
                                    List.of())
                            .alsoIn(ParamScope.TENSOR),
                    SliceLayout.PARAM),
            WeightSpec.unused(),
            List.of("sce-variance", "sce-weights"),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requireUnitWeights("sce", weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        InputScan inputs = setup.inputs();
        LayerPositions positions = LayerPositions.of(setup);
        return tensor -> {
            double topk = TensorSettings.evaluate(
                    setup.params().values().get("selectTopk"), tensor.name(), positions.of(tensor), 1.0);
            float threshold = topk < 1 ? threshold(inputs, tensor, n, topk) : Float.NEGATIVE_INFINITY;
            double[] w = weights(inputs, tensor, n, threshold);
            return (first, base, models, out, from, to) -> {
                for (int j = from; j < to; j++) {
                    boolean kept = variance(base, models, j) >= threshold;
                    double vote = 0;
                    for (int i = 0; i < n; i++) {
                        vote += kept ? models[i][j] - base[j] : 0f;
                    }
                    double sign = vote >= 0 ? 1 : -1;
                    double sum = 0;
                    double divisor = 0;
                    for (int i = 0; i < n; i++) {
                        double v = kept ? models[i][j] - base[j] : 0f;
                        if (v != 0 && Math.signum(v) == sign) {
                            sum += w[i] * v;
                            divisor += w[i];
                        }
                    }
                    out[j] = (float) (base[j] + sum / Math.max(divisor, 1e-6));
                }
            };
        };
    }

    /** Population variance across the models of the float32 task-vector entries at position j, as float32. */
    private static float variance(float[] base, float[][] models, int j) {
        double mean = 0;
        for (float[] m : models) {
            mean += m[j] - base[j];
        }
        mean /= models.length;
        double sq = 0;
        for (float[] m : models) {
            double d = (m[j] - base[j]) - mean;
            sq += d * d;
        }
        return (float) (sq / models.length);
    }

    /** The ⌊topk·nonzero⌋-th largest variance (+∞ when that is none). */
    private static float threshold(InputScan inputs, MergeTensor tensor, int n, double topk) {
        long[] nonzero = new long[1];
        inputs.scanTensor(tensor, (t, first, base, models, count) -> {
            for (int j = 0; j < count; j++) {
                nonzero[0] += variance(base, models, j) != 0 ? 1 : 0;
            }
        });
        long k = (long) Math.floor(nonzero[0] * topk);
        if (k == 0) {
            return Float.POSITIVE_INFINITY;
        }
        float[] zeros = new float[inputs.chunkElements()];
        float[][] variances = new float[1][inputs.chunkElements()];
        Consumer<ChunkVisitor> pass = visitor -> inputs.scanTensor(tensor, (t, first, base, models, count) -> {
            for (int j = 0; j < count; j++) {
                variances[0][j] = variance(base, models, j);
            }
            visitor.visit(t, first, zeros, variances, count);
        });
        return MagnitudeThresholds.findRanks(pass, 1, tensor.elements(), new long[][] {{k}})[0][0];
    }

    /** mean(τ_i²) over the kept entries of the tensor, normalised to sum 1 (equal below 1e-6). */
    private static double[] weights(InputScan inputs, MergeTensor tensor, int n, float threshold) {
        double[] w = new double[n];
        inputs.scanTensor(tensor, (t, first, base, models, count) -> {
            for (int j = 0; j < count; j++) {
                if (variance(base, models, j) >= threshold) {
                    for (int i = 0; i < n; i++) {
                        double v = models[i][j] - base[j];
                        w[i] += v * v;
                    }
                }
            }
        });
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] /= tensor.elements();
            sum += w[i];
        }
        for (int i = 0; i < n; i++) {
            w[i] = Math.abs(sum) < 1e-6 ? 1.0 / n : w[i] / sum;
        }
        return w;
    }
}
