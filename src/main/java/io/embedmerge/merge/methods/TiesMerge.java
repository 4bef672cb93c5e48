package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.ChunkVisitor;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.InputScan;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.TiesKernel;
import io.embedmerge.merge.statistics.MagnitudeThresholds;
import java.util.List;

/**
 * TIES merging (trim, elect sign, disjoint merge) as in merge-methods.md. At model granularity the trim threshold
 * of each model is the exact ⌈ρ·n⌉-th largest |v| over its whole task vector (two histogram passes); at tensor
 * granularity it is found per tensor just before that tensor is written. rescale=norm adds one pass for the norms.
 */
public final class TiesMerge implements MergeMethod {

    static final ParamSpec SIGN_METHOD = new ParamSpec("signMethod", ParamType.STRING, "sum",
            "Sign election: 'sum' = sign of Σ w_i τ'_i; 'count' = majority of the signs.", null, null,
            List.of("sum", "count"));

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor("ties",
            "TIES: keep the top-ρ magnitudes of each task vector, elect a sign per entry, average the agreeing entries "
                    + "(ties at the threshold are kept; entries where the votes sum to 0 take sign +).",
            "https://arxiv.org/abs/2306.01708",
                List.of(Params.density(0.2, "Share ρ of each task vector kept by the trim (k = ⌈ρ·n⌉)."),
                    Params.LAMBDA, SIGN_METHOD, Params.normalize(true), Params.GRANULARITY,
                    new ParamSpec("rescale", ParamType.STRING, "none",
                            "'norm' (the paper's variant) scales τ̂ by ‖τ_avg‖/‖τ̂‖ at the granularity level.",
                            null, null, List.of("none", "norm"))),
            WeightSpec.signed(null),
            List.of("ties-threshold", "ties-norm"), DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        // every combination of weights is defined: a zero divisor counts as 1
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        MethodParams p = setup.params();
        double density = p.number("density");
        double lambda = p.number("lambda");
        boolean rescale = p.string("rescale").equals("norm");
        TiesKernel kernel = new TiesKernel(setup.weights().stream().mapToDouble(Double::doubleValue).toArray(),
                p.string("signMethod").equals("count"), p.bool("normalize"));
        InputScan inputs = setup.inputs();

        if (p.string("granularity").equals("model")) {
            long entries = inputs.tensors().stream().mapToLong(MergeTensor::elements).sum();
            float[] thresholds = MagnitudeThresholds.find(visitor -> inputs.forEachChunk("ties-threshold", visitor),
                    n, entries, density);
            double factor = rescale ? normRatio(kernel, thresholds, visitor -> inputs.forEachChunk("ties-norm", visitor)) : 1;
            return tensor -> merger(kernel, thresholds, lambda * factor);
        }
        return tensor -> {
            float[] thresholds = MagnitudeThresholds.find(visitor -> inputs.scanTensor(tensor, visitor),
                    n, tensor.elements(), density);
            double factor = rescale ? normRatio(kernel, thresholds, visitor -> inputs.scanTensor(tensor, visitor)) : 1;
            return merger(kernel, thresholds, lambda * factor);
        };
    }

    private static ChunkMerger merger(TiesKernel kernel, float[] thresholds, double scale) {
        return (first, base, models, out, from, to) -> {
            TiesKernel.Scratch scratch = new TiesKernel.Scratch(models.length);
            for (int start = from; start < to; start += TiesKernel.BLOCK) {
                int end = Math.min(to, start + TiesKernel.BLOCK);
                for (int i = 0; i < models.length; i++) {
                    TiesKernel.trim(models[i], base, thresholds[i], scratch.entries[i], start, end);
                }
                kernel.combine(scratch, base, scale, out, start, end);
            }
        };
    }

    /** ‖τ_avg‖ / ‖τ̂‖ over the entries of one pass (1 when τ̂ is zero). */
    private static double normRatio(TiesKernel kernel, float[] thresholds, java.util.function.Consumer<ChunkVisitor> pass) {
        double[] sums = new double[2];
        int n = thresholds.length;
        TiesKernel.Scratch scratch = new TiesKernel.Scratch(n);
        pass.accept((tensor, first, base, models, count) -> {
            for (int start = 0; start < count; start += TiesKernel.BLOCK) {
                int end = Math.min(count, start + TiesKernel.BLOCK);
                for (int i = 0; i < n; i++) {
                    TiesKernel.trim(models[i], base, thresholds[i], scratch.entries[i], start, end);
                }
                kernel.merge(scratch, end - start);
                for (int k = 0; k < end - start; k++) {
                    double avg = 0;
                    for (int i = 0; i < n; i++) {
                        avg += scratch.entries[i][k];
                    }
                    avg /= n;
                    sums[0] += avg * avg;
                    sums[1] += scratch.merged[k] * scratch.merged[k];
                }
            }
        });
        return sums[1] == 0 ? 1 : Math.sqrt(sums[0]) / Math.sqrt(sums[1]);
    }
}
