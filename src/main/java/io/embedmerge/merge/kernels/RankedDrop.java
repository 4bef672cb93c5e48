package io.embedmerge.merge.kernels;

import java.util.Arrays;

/**
 * DELLA's MagPrune: within each group (a row of the tensor, i.e. its last dimension, as mergekit ranks "per node"),
 * the entry of ascending-magnitude rank r ∈ [0, G−1] survives with probability
 * p = (ρ_i − ε_i) + 2ε_i·r/(G−1) (p = ρ_i when G = 1) and survivors are divided by p. Ties in magnitude are ranked
 * by position. Rows longer than {@code maxGroup} are ranked in consecutive segments of that length; the executor's
 * write pass hands whole groups to each chunk.
 * <p>
 * Two ways to the same bytes: {@link #group} does a whole group at once (rank and drop fused, see there), for groups
 * of up to {@link #FUSED_LIMIT} entries; {@link #apply} (the {@link Sparsifier} contract, any range of positions)
 * ranks the group into an int per entry and then draws position by position, for longer groups, whose fused working
 * arrays would be too large.
 */
public final class RankedDrop implements Sparsifier {

    /** Longest group {@link #group} takes: its working arrays are about 80 bytes per entry (and per thread). */
    public static final int FUSED_LIMIT = 1 << 16;
    /** Widest radix digit of {@link #group}'s sort: at most three passes over a 31-bit magnitude. */
    private static final int MAX_DIGIT = 11;

    private final DropMask mask;
    private final long[] streams;
    private final double[] density;
    private final double[] epsilon;
    private final long rowLength;
    private final int maxGroup;
    private final long[] cachedGroup;
    private final int[][] ranks;
    private final int[] counts = new int[4 * 256];
    private int[] keys = new int[0];
    private int[] sortedKeys = new int[0];
    private int[] order = new int[0];
    private int[] sortedOrder = new int[0];

    public RankedDrop(DropMask mask, long[] streams, double[] density, double[] epsilon, long rowLength, int maxGroup) {
        this.mask = mask;
        this.streams = streams.clone();
        this.density = density.clone();
        this.epsilon = epsilon.clone();
        this.rowLength = rowLength;
        this.maxGroup = maxGroup;
        this.cachedGroup = new long[streams.length];
        Arrays.fill(cachedGroup, -1);
        this.ranks = new int[streams.length][];
    }

    /** First element of the group that holds element e. */
    public static long groupStart(long e, long rowLength, int maxGroup) {
        long row = e - e % rowLength;
        long offset = e - row;
        return row + offset - offset % maxGroup;
    }

    /** One past the last element of the group that starts at element {@code start}. */
    public static long groupEnd(long start, long rowLength, int maxGroup) {
        long rowEnd = start - start % rowLength + rowLength;
        return Math.min(rowEnd, start + maxGroup);
    }

    @Override
    public void apply(int model, long first, float[] base, float[] m, double[] t, int start, int end) {
        long stream = streams[model];
        for (int j = start; j < end; ) {
            long gs = groupStart(first + j, rowLength, maxGroup);
            long ge = groupEnd(gs, rowLength, maxGroup);
            int from = (int) (gs - first);
            int size = (int) (ge - gs);
            if (cachedGroup[model] != gs) {
                rank(model, base, m, from, size);
                cachedGroup[model] = gs;
            }
            double low = density[model] - epsilon[model];
            double step = size == 1 ? 0 : 2 * epsilon[model] / (size - 1);
            double single = density[model];
            int[] r = ranks[model];
            int stop = (int) Math.min(end, ge - first);
            for (; j < stop; j++) {
                double p = size == 1 ? single : low + step * r[j - from];
                float v = m[j] - base[j];
                t[j - start] = mask.uniform(stream, first + j) < p ? v / p : 0;
            }
        }
    }

    /**
     * Ascending-magnitude ranks of positions [from, from+size), ties by position: a stable LSD radix sort of the
     * |v| bits (non-negative floats order as their bits), one byte per pass, passes where every key has the same
     * byte skipped. Linear in the row length, where a comparison sort spent most of DELLA's time.
     */
    private void rank(int model, float[] base, float[] m, int from, int size) {
        if (keys.length < size) {
            keys = new int[size];
            sortedKeys = new int[size];
            order = new int[size];
            sortedOrder = new int[size];
        }
        Arrays.fill(counts, 0);
        for (int k = 0; k < size; k++) {
            int bits = Float.floatToRawIntBits(m[from + k] - base[from + k]) & 0x7FFFFFFF;
            keys[k] = bits;
            order[k] = k;
            counts[bits & 0xFF]++;
            counts[256 + (bits >>> 8 & 0xFF)]++;
            counts[512 + (bits >>> 16 & 0xFF)]++;
            counts[768 + (bits >>> 24)]++;
        }
        int[] srcKeys = keys;
        int[] srcOrder = order;
        int[] dstKeys = sortedKeys;
        int[] dstOrder = sortedOrder;
        for (int pass = 0; pass < 4; pass++) {
            int offset = pass * 256;
            int shift = pass * 8;
            if (counts[offset + (srcKeys[0] >>> shift & 0xFF)] == size) {
                continue;
            }
            int sum = 0;
            for (int b = 0; b < 256; b++) {
                int c = counts[offset + b];
                counts[offset + b] = sum;
                sum += c;
            }
            for (int k = 0; k < size; k++) {
                int key = srcKeys[k];
                int position = counts[offset + (key >>> shift & 0xFF)]++;
                dstKeys[position] = key;
                dstOrder[position] = srcOrder[k];
            }
            int[] swap = srcKeys;
            srcKeys = dstKeys;
            dstKeys = swap;
            swap = srcOrder;
            srcOrder = dstOrder;
            dstOrder = swap;
        }
        if (ranks[model] == null || ranks[model].length < size) {
            ranks[model] = new int[size];
        }
        int[] r = ranks[model];
        for (int k = 0; k < size; k++) {
            r[srcOrder[k]] = k;
        }
    }

    /** Working arrays of {@link #group} (and the block of entries a merge combines), one per thread. */
    public static final class Work {

        private static final ThreadLocal<Work> OF_THREAD = new ThreadLocal<>();

        private float[] values = new float[0];
        private int[] keys = new int[0];
        private long[] draws = new long[0];
        private long[] sorted = new long[0];
        private long[] swap = new long[0];
        private final int[] counts = new int[3 << MAX_DIGIT];
        private BlockScratch scratch;

        private Work() {
        }

        /** This thread's working arrays, with a scratch of at least {@code capacity} positions for n models. */
        public static Work ofThread(int models, int capacity) {
            Work work = OF_THREAD.get();
            if (work == null) {
                work = new Work();
                OF_THREAD.set(work);
            }
            if (work.scratch == null || work.scratch.entries.length != models || work.scratch.capacity() < capacity) {
                work.scratch = new BlockScratch(models, capacity);
            }
            return work;
        }

        public BlockScratch scratch() {
            return scratch;
        }

        private void ensure(int size) {
            if (keys.length < size) {
                values = new float[size];
                keys = new int[size];
                draws = new long[size];
                sorted = new long[size];
                swap = new long[size];
            }
        }
    }

    /**
     * τ'_i of model {@code model} for one whole group, chunk positions [from, from + size) (element {@code first + from}
     * onwards), into {@code t[offset .. offset + size)}: byte for byte what {@link #apply} writes for them.
     * <p>
     * The rank is a stable LSD radix sort of the |v| bits, keys carried with their position in one long, over only
     * the low bits in which the group's keys differ (the highest bit where min and max differ and above are shared),
     * in at most three passes of at most 11 bits, a pass whose digit is the same for every key skipped. The last pass
     * places each entry at its rank, so it draws and rescales there: p from the rank, kept exactly when the draw's 53
     * bits are below ceil(p·2⁵³) (the same test as {@code uniform < p}), v/p or +0.0 selected by a mask instead of a
     * branch the CPU cannot predict.
     */
    public void group(int model, long first, float[] base, float[] m, int from, int size, double[] t, int offset,
                      Work work) {
        long stream = streams[model];
        if (size == 1) {
            double p = density[model];
            float v = m[from] - base[from];
            t[offset] = mask.uniform(stream, first + from) < p ? v / p : 0;
            return;
        }
        double low = density[model] - epsilon[model];
        double step = 2 * epsilon[model] / (size - 1);
        work.ensure(size);
        float[] values = work.values;
        int[] keys = work.keys;
        long[] draws = work.draws;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int k = 0; k < size; k++) {
            float v = m[from + k] - base[from + k];
            values[k] = v;
            int key = Float.floatToRawIntBits(v) & 0x7FFFFFFF;
            keys[k] = key;
            min = Math.min(min, key);
            max = Math.max(max, key);
        }
        long element = first + from;
        for (int k = 0; k < size; k++) {
            draws[k] = DropMask.bits(stream, element + k);
        }
        int bits = 32 - Integer.numberOfLeadingZeros(min ^ max);
        if (bits == 0) {
            // every magnitude equal: ranks by position
            for (int k = 0; k < size; k++) {
                t[offset + k] = keep(values[k], draws[k], low + step * k);
            }
            return;
        }
        int passes = (bits + MAX_DIGIT - 1) / MAX_DIGIT;
        int digit = (bits + passes - 1) / passes;
        int radix = 1 << digit;
        int digitMask = radix - 1;
        int[] counts = work.counts;
        Arrays.fill(counts, 0, passes << digit, 0);
        switch (passes) {
            case 1 -> {
                for (int k = 0; k < size; k++) {
                    counts[keys[k] & digitMask]++;
                }
            }
            case 2 -> {
                for (int k = 0; k < size; k++) {
                    int key = keys[k];
                    counts[key & digitMask]++;
                    counts[radix + (key >>> digit & digitMask)]++;
                }
            }
            default -> {
                for (int k = 0; k < size; k++) {
                    int key = keys[k];
                    counts[key & digitMask]++;
                    counts[radix + (key >>> digit & digitMask)]++;
                    counts[2 * radix + (key >>> 2 * digit & digitMask)]++;
                }
            }
        }
        // the passes to run (bit p of run): those whose digit differs between keys (the top one always does)
        int run = 0;
        for (int pass = 0; pass < passes; pass++) {
            int at = pass << digit;
            if (counts[at + (keys[0] >>> pass * digit & digitMask)] == size) {
                continue;
            }
            int sum = 0;
            for (int b = 0; b < radix; b++) {
                int c = counts[at + b];
                counts[at + b] = sum;
                sum += c;
            }
            run |= 1 << pass;
        }
        long[] src = work.sorted;
        long[] dst = work.swap;
        boolean firstRun = true;
        for (int pass = 0; pass < passes; pass++) {
            if ((run >>> pass & 1) == 0) {
                continue;
            }
            int at = pass << digit;
            int shift = pass * digit;
            boolean last = run >>> pass + 1 == 0;
            if (firstRun && last) {
                for (int k = 0; k < size; k++) {
                    int rank = counts[at + (keys[k] >>> shift & digitMask)]++;
                    t[offset + k] = keep(values[k], draws[k], low + step * rank);
                }
            } else if (firstRun) {
                for (int k = 0; k < size; k++) {
                    int key = keys[k];
                    src[counts[at + (key >>> shift & digitMask)]++] = (long) key << 32 | k;
                }
            } else if (!last) {
                for (int k = 0; k < size; k++) {
                    long e = src[k];
                    dst[counts[at + ((int) (e >>> 32) >>> shift & digitMask)]++] = e;
                }
                long[] s = src;
                src = dst;
                dst = s;
            } else {
                for (int k = 0; k < size; k++) {
                    long e = src[k];
                    int rank = counts[at + ((int) (e >>> 32) >>> shift & digitMask)]++;
                    int j = (int) e;
                    t[offset + j] = keep(values[j], draws[j], low + step * rank);
                }
            }
            firstRun = false;
        }
    }

    /** v/p when the draw is below ceil(p·2⁵³), else +0.0, without a branch. */
    private static double keep(float v, long draw, double p) {
        long kept = draw - DropMask.threshold(p) >> 63;
        return Double.longBitsToDouble(Double.doubleToRawLongBits(v / p) & kept);
    }
}
