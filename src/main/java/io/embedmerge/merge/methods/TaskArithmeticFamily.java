package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.ChunkVisitor;
import io.embedmerge.merge.InputScan;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.kernels.BlockScratch;
import io.embedmerge.merge.kernels.DropMask;
import io.embedmerge.merge.kernels.EntrySum;
import io.embedmerge.merge.kernels.MagnitudeBand;
import io.embedmerge.merge.kernels.RandomDrop;
import io.embedmerge.merge.kernels.RankedDrop;
import io.embedmerge.merge.kernels.SignConsensus;
import io.embedmerge.merge.kernels.Sparsifier;
import io.embedmerge.merge.kernels.WeightedSum;
import io.embedmerge.merge.statistics.MagnitudeThresholds;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The task-arithmetic family: sparsify each task vector (none, magnitude top-k, random drop-and-rescale, magnitude
 * band, magnitude-ranked random drop), optionally elect a sign per entry, and combine with the per-model weights
 * (normalised or not), scaled by λ. Each member of the family is one {@link Recipe}; see {@link FamilyMembers}.
 * Magnitude thresholds are exact (two histogram passes) over the whole model or per tensor.
 */
final class TaskArithmeticFamily implements MergeMethod {

    enum Sparsification {
        NONE,
        MAGNITUDE,
        RANDOM,
        MAGNITUDE_BAND,
        RANKED_RANDOM
    }

    /** @param consensus elect a sign per entry (TIES) and combine only the agreeing entries */
    record Recipe(Sparsification sparsification, boolean consensus) {}

    private final MethodDescriptor descriptor;
    private final Recipe recipe;

    TaskArithmeticFamily(MethodDescriptor descriptor, Recipe recipe) {
        this.descriptor = descriptor;
        this.recipe = recipe;
    }

    @Override
    public MethodDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        validate(params, List.of(), weights);
    }

    @Override
    public void validate(MethodParams params, List<MethodParams> perModel, List<Double> weights) {
        int n = weights.size();
        List<Double> constant = new java.util.ArrayList<>(weights);
        for (int i = 0; i < n; i++) {
            if (TensorSettings.raw(params, perModel, i, "weight", weights.get(i)) instanceof Number w) {
                constant.set(i, w.doubleValue());
            }
        }
        if (!recipe.consensus() && params.bool("normalize")) {
            Params.weightSum(constant);
        }
        boolean thresholds = recipe.sparsification() == Sparsification.MAGNITUDE
                || recipe.sparsification() == Sparsification.MAGNITUDE_BAND;
        if (thresholds && !"tensor".equals(params.values().get("granularity"))) {
            for (String name : List.of("density", "gamma")) {
                if (TensorSettings.varies(params.values().get(name))) {
                    throw new InvalidMergeRequestException(
                            "method.params." + name,
                            name
                                    + " varies per tensor, which needs granularity 'tensor' (a model-wide threshold has one value)");
                }
                for (int i = 0; i < perModel.size(); i++) {
                    if (TensorSettings.varies(perModel.get(i).values().get(name))) {
                        throw new InvalidMergeRequestException(
                                "models[" + i + "].params." + name,
                                name + " varies per tensor, which needs granularity 'tensor'");
                    }
                }
            }
        }
        if (recipe.sparsification() == Sparsification.RANKED_RANDOM) {
            for (int i = 0; i < n; i++) {
                Object density = TensorSettings.raw(params, perModel, i, "density", 1.0);
                Object epsilon = TensorSettings.raw(params, perModel, i, "epsilon", 0.0);
                if (density instanceof Number d && epsilon instanceof Number e) {
                    checkSpread(d.doubleValue(), e.doubleValue());
                }
            }
        }
    }

    private static void checkSpread(double density, double epsilon) {
        if (!(epsilon < density && density + epsilon <= 1)) {
            throw new InvalidMergeRequestException(
                    "method.params.epsilon",
                    "epsilon must keep every survival "
                            + "probability within (0, 1]: epsilon < density and density + epsilon ≤ 1, got density "
                            + density + ", epsilon " + epsilon);
        }
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        LayerPositions positions = LayerPositions.of(setup);
        Function<MergeTensor, FamilySettings> at = tensor -> FamilySettings.of(setup, tensor, positions);
        int n = setup.modelCount();
        if (recipe.sparsification() == Sparsification.NONE && !recipe.consensus()) {
            return tensor -> new WeightedSum(at.apply(tensor).linearScales());
        }
        InputScan inputs = setup.inputs();
        return switch (recipe.sparsification()) {
            case NONE -> tensor -> merger(n, () -> Sparsifier.NONE, combiner(at.apply(tensor), 1, null));
            case MAGNITUDE, MAGNITUDE_BAND -> magnitudePlan(setup, at, positions);
            case RANDOM -> {
                DropMask mask = new DropMask(setup.seed());
                yield tensor -> {
                    FamilySettings s = at.apply(tensor);
                    // equal densities: 1/ρ goes into the float64 scale (τ̂ is linear in it); else into each entry
                    boolean common = s.equalDensities();
                    double[] rescale = new double[n];
                    for (int i = 0; i < n; i++) {
                        rescale[i] = common || !recipe.consensus() ? 1 : 1 / s.density()[i];
                    }
                    RandomDrop drop = new RandomDrop(mask, streams(mask, n, tensor), s.density(), rescale);
                    return merger(n, () -> drop, combiner(s, 1, common || !recipe.consensus() ? s.density() : null));
                };
            }
            case RANKED_RANDOM -> {
                DropMask mask = new DropMask(setup.seed());
                int maxGroup = inputs.chunkElements();
                yield tensor -> {
                    FamilySettings s = at.apply(tensor);
                    for (int i = 0; i < n; i++) {
                        checkSpread(s.density()[i], s.epsilon()[i]);
                    }
                    long[] streams = streams(mask, n, tensor);
                    return rowMerger(
                            n,
                            () -> new RankedDrop(mask, streams, s.density(), s.epsilon(), tensor.rowLength(), maxGroup),
                            tensor.rowLength(),
                            maxGroup,
                            combiner(s, 1, null));
                };
            }
        };
    }

    private TensorMerger magnitudePlan(
            MergeSetup setup, Function<MergeTensor, FamilySettings> at, LayerPositions positions) {
        int n = setup.modelCount();
        InputScan inputs = setup.inputs();
        FamilySettings global = FamilySettings.of(setup, null, positions);
        if (global.modelGranularity()) {
            long entries =
                    inputs.tensors().stream().mapToLong(MergeTensor::elements).sum();
            MagnitudeBand band =
                    band(global, n, entries, visitor -> inputs.forEachChunk(name() + "-threshold", visitor));
            double factor = global.rescaleNorm()
                    ? normRatio(
                            n,
                            band,
                            tensor -> consensus(at.apply(tensor)),
                            visitor -> inputs.forEachChunk(name() + "-norm", visitor))
                    : 1;
            return tensor -> merger(n, () -> band, combiner(at.apply(tensor), factor, null));
        }
        return tensor -> {
            FamilySettings s = at.apply(tensor);
            MagnitudeBand band = band(s, n, tensor.elements(), visitor -> inputs.scanTensor(tensor, visitor));
            SignConsensus kernel = consensus(s);
            double factor = s.rescaleNorm()
                    ? normRatio(n, band, any -> kernel, visitor -> inputs.scanTensor(tensor, visitor))
                    : 1;
            return merger(n, () -> band, combiner(s, factor, null));
        };
    }

    /**
     * The kept magnitudes: the ⌈ρ·n⌉-th largest |v| and above; for a band (Breadcrumbs) the top ⌊γ·n⌋ are dropped
     * first (fewer when γ + ρ would exceed 1) and the ⌈ρ·n⌉ after them kept.
     */
    private MagnitudeBand band(FamilySettings s, int n, long entries, Consumer<ChunkVisitor> pass) {
        boolean outliers = recipe.sparsification() == Sparsification.MAGNITUDE_BAND;
        long[][] ranks = new long[n][];
        boolean anyTop = false;
        for (int i = 0; i < n; i++) {
            long keep = Math.max(1, (long) Math.ceil(s.density()[i] * entries));
            long top = outliers ? Math.min((long) Math.floor(s.gamma()[i] * entries), Math.max(0, entries - keep)) : 0;
            anyTop |= top > 0;
            ranks[i] = top > 0 ? new long[] {keep + top, top} : new long[] {keep};
        }
        float[][] found = MagnitudeThresholds.findRanks(pass, n, entries, ranks);
        float[] lower = new float[n];
        float[] upper = new float[n];
        for (int i = 0; i < n; i++) {
            lower[i] = found[i][0];
            upper[i] = found[i].length > 1 ? found[i][1] : Float.POSITIVE_INFINITY;
        }
        return new MagnitudeBand(lower, anyTop ? upper : null);
    }

    private SignConsensus consensus(FamilySettings s) {
        return new SignConsensus(s.weights(), s.countSigns(), s.normalize());
    }

    /**
     * @param factor  extra scale of τ̂ (rescale=norm), 1 otherwise
     * @param divisor per-model densities whose 1/ρ is applied in the scale (equal for every model with consensus)
     */
    private Combiner combiner(FamilySettings s, double factor, double[] divisor) {
        if (recipe.consensus()) {
            SignConsensus kernel = consensus(s);
            double scale = divisor == null ? s.lambda() * factor : s.lambda() * factor / divisor[0];
            return (scratch, base, out, start, end) -> kernel.combine(scratch, base, scale, out, start, end);
        }
        double[] scales = s.linearScales();
        if (divisor != null) {
            for (int i = 0; i < scales.length; i++) {
                scales[i] /= divisor[i];
            }
        }
        EntrySum sum = new EntrySum(scales);
        return sum::combine;
    }

    private static long[] streams(DropMask mask, int n, MergeTensor tensor) {
        long[] streams = new long[n];
        for (int i = 0; i < n; i++) {
            streams[i] = mask.stream(i, tensor.name());
        }
        return streams;
    }

    /**
     * Sparsifies each model's entries and combines them, block by block, decoded and merged block by block while in
     * cache (elementwise).
     */
    private static ChunkMerger merger(int n, Supplier<Sparsifier> sparsifiers, Combiner combine) {
        return ChunkMerger.elementwise((first, base, models, out, from, to) -> {
            Sparsifier sparsifier = sparsifiers.get();
            BlockScratch scratch = BlockScratch.ofThread(n);
            for (int start = from; start < to; start += BlockScratch.SIZE) {
                int end = Math.min(to, start + BlockScratch.SIZE);
                for (int i = 0; i < n; i++) {
                    sparsifier.apply(i, first, base, models[i], scratch.entries(i), start, end);
                }
                combine.apply(scratch, base, out, start, end);
            }
        });
    }

    /**
     * DELLA: ranks whole groups (rows, or segments of {@code maxGroup} of longer rows), which the write pass hands
     * over whole in each chunk. Groups of up to {@link RankedDrop#FUSED_LIMIT} entries are sparsified whole by
     * {@link RankedDrop#group} into the scratch, as many as fit one block, then combined; a group cut by the edge of
     * the range (the executor splits chunks between cores anywhere) is sparsified whole and its part in the range
     * combined. Longer groups go through {@link RankedDrop#apply} block by block. Every path gives the same bytes.
     */
    private static ChunkMerger rowMerger(
            int n, Supplier<RankedDrop> drops, long rowLength, int maxGroup, Combiner combine) {
        int capacity =
                (int) Math.max(BlockScratch.SIZE, Math.min(Math.min(rowLength, maxGroup), RankedDrop.FUSED_LIMIT));
        return (first, base, models, out, from, to) -> {
            RankedDrop drop = drops.get();
            RankedDrop.Work work = RankedDrop.Work.ofThread(n, capacity);
            BlockScratch scratch = work.scratch();
            int j = from;
            while (j < to) {
                long start = RankedDrop.groupStart(first + j, rowLength, maxGroup);
                int groupFrom = (int) (start - first);
                int groupTo = (int) (RankedDrop.groupEnd(start, rowLength, maxGroup) - first);
                int size = groupTo - groupFrom;
                if (size > RankedDrop.FUSED_LIMIT) {
                    int stop = Math.min(to, groupTo);
                    for (int s = j; s < stop; s += BlockScratch.SIZE) {
                        int e = Math.min(stop, s + BlockScratch.SIZE);
                        for (int i = 0; i < n; i++) {
                            drop.apply(i, first, base, models[i], scratch.entries(i), s, e);
                        }
                        combine.apply(scratch, base, out, s, e);
                    }
                    j = stop;
                } else if (groupFrom < j || groupTo > to) {
                    int end = Math.min(to, groupTo);
                    for (int i = 0; i < n; i++) {
                        double[] entries = scratch.entries(i);
                        drop.group(i, first, base, models[i], groupFrom, size, entries, 0, work);
                        System.arraycopy(entries, j - groupFrom, entries, 0, end - j);
                    }
                    combine.apply(scratch, base, out, j, end);
                    j = end;
                } else {
                    // whole groups from j on, as many as fit the block
                    int blockStart = j;
                    int filled = 0;
                    do {
                        for (int i = 0; i < n; i++) {
                            drop.group(i, first, base, models[i], groupFrom, size, scratch.entries(i), filled, work);
                        }
                        filled += size;
                        j = groupTo;
                        if (j >= to) {
                            break;
                        }
                        start = RankedDrop.groupStart(first + j, rowLength, maxGroup);
                        groupFrom = (int) (start - first);
                        groupTo = (int) (RankedDrop.groupEnd(start, rowLength, maxGroup) - first);
                        size = groupTo - groupFrom;
                    } while (groupTo <= to && filled + size <= capacity);
                    combine.apply(scratch, base, out, blockStart, blockStart + filled);
                }
            }
        };
    }

    /** ‖τ_avg‖ / ‖τ̂‖ over the entries of one pass (1 when τ̂ is zero), τ_avg = (1/N) Σ τ'_i. */
    private static double normRatio(
            int n, Sparsifier sparsifier, Function<MergeTensor, SignConsensus> kernels, Consumer<ChunkVisitor> pass) {
        double[] sums = new double[2];
        BlockScratch scratch = new BlockScratch(n);
        pass.accept((tensor, first, base, models, count) -> {
            SignConsensus kernel = kernels.apply(tensor);
            for (int start = 0; start < count; start += BlockScratch.SIZE) {
                int end = Math.min(count, start + BlockScratch.SIZE);
                for (int i = 0; i < n; i++) {
                    sparsifier.apply(i, first, base, models[i], scratch.entries(i), start, end);
                }
                kernel.merge(scratch, end - start);
                double[] merged = scratch.merged();
                for (int k = 0; k < end - start; k++) {
                    double avg = 0;
                    for (int i = 0; i < n; i++) {
                        avg += scratch.entries(i)[k];
                    }
                    avg /= n;
                    sums[0] += avg * avg;
                    sums[1] += merged[k] * merged[k];
                }
            }
        });
        return sums[1] == 0 ? 1 : Math.sqrt(sums[0]) / Math.sqrt(sums[1]);
    }

    /** Combines the sparsified entries of positions [start, end) (in the scratch) into the output. */
    @FunctionalInterface
    private interface Combiner {
        void apply(BlockScratch scratch, float[] base, float[] out, int start, int end);
    }
}
