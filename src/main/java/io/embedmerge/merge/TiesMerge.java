package io.embedmerge.merge;

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
            List.of(Params.density(0.2, "Share ρ of each task vector kept by the trim (k = ⌈ρ·n⌉)."),
                    Params.LAMBDA, SIGN_METHOD, Params.normalize(true), Params.GRANULARITY,
                    new ParamSpec("rescale", ParamType.STRING, "none",
                            "'norm' (the paper's variant) scales τ̂ by ‖τ_avg‖/‖τ̂‖ at the granularity level.",
                            null, null, List.of("none", "norm"))));

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
        ThreadLocal<double[]> scratch = ThreadLocal.withInitial(() -> new double[MergeExecutor.CHUNK_ELEMENTS]);

        if (p.string("granularity").equals("model")) {
            long entries = inputs.tensors().stream().mapToLong(MergeTensor::elements).sum();
            float[] thresholds = MagnitudeThresholds.find(visitor -> inputs.forEachChunk("ties-threshold", visitor),
                    n, entries, density);
            double factor = rescale ? normRatio(kernel, thresholds, scratch, visitor -> inputs.forEachChunk("ties-norm", visitor)) : 1;
            return tensor -> merger(kernel, thresholds, lambda * factor, scratch);
        }
        return tensor -> {
            float[] thresholds = MagnitudeThresholds.find(visitor -> inputs.scanTensor(tensor, visitor),
                    n, tensor.elements(), density);
            double factor = rescale ? normRatio(kernel, thresholds, scratch, visitor -> inputs.scanTensor(tensor, visitor)) : 1;
            return merger(kernel, thresholds, lambda * factor, scratch);
        };
    }

    private static ChunkMerger merger(TiesKernel kernel, float[] thresholds, double scale, ThreadLocal<double[]> scratch) {
        return (first, base, models, out, from, to) ->
                kernel.applyToCheckpoints(base, models, thresholds, scale, scratch.get(), out, from, to);
    }

    /** ‖τ_avg‖ / ‖τ̂‖ over the entries of one pass (1 when τ̂ is zero). */
    private static double normRatio(TiesKernel kernel, float[] thresholds, ThreadLocal<double[]> scratch,
                                    java.util.function.Consumer<ChunkVisitor> pass) {
        double[] sums = new double[2];
        int n = thresholds.length;
        pass.accept((tensor, first, base, models, count) -> {
            double[] merged = scratch.get();
            kernel.merge(base, models, thresholds, merged, 0, count);
            for (int j = 0; j < count; j++) {
                double avg = 0;
                for (int i = 0; i < n; i++) {
                    float v = models[i][j] - base[j];
                    avg += Math.abs(v) >= thresholds[i] ? v : 0f;
                }
                avg /= n;
                sums[0] += avg * avg;
                sums[1] += merged[j] * merged[j];
            }
        });
        return sums[1] == 0 ? 1 : Math.sqrt(sums[0]) / Math.sqrt(sums[1]);
    }
}
