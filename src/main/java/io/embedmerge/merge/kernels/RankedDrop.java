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
    /** Most buckets of {@link #rankSpread}. */
    private static final int MAX_SPREAD_BUCKETS = 1 << 13;

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
        private double[] draws = new double[0];
        private double[] probabilities = new double[0];
        private double[] kept = new double[0];
        private long[] sorted = new long[0];
        private long[] swap = new long[0];
        private final int[] counts = new int[Math.max(3 << MAX_DIGIT, MAX_SPREAD_BUCKETS)];
        private int[] buckets = new int[0];
        private BlockScratch scratch;

        private Work() {}

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
                draws = new double[size];
                probabilities = new double[size];
                kept = new double[size];
                buckets = new int[size];
                sorted = new long[size];
                swap = new long[size];
            }
        }
    }

    /**
     * τ'_i of model {@code model} for one whole group, chunk positions [from, from + size) (element {@code first + from}
     * onwards), into {@code t[offset .. offset + size)}: what {@link #apply} writes for them, except that a zero entry
     * may be +0.0 where apply gives −0.0 (v = −0.0 kept), which no combine step can tell apart (their sums start at
     * +0.0).
     * <p>
     * The rank (see {@link #rank(int[], int, int, double, double, double[], Work)}) gives each entry its p; then one
     * loop the JIT vectorises, on finite groups: v/p times 1 where the draw is below p and 0 elsewhere (no branch the
     * CPU cannot predict, the division done four at a time), plus +0.0.
     */
    public void group(
            int model, long first, float[] base, float[] m, int from, int size, double[] t, int offset, Work work) {
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
        double[] draws = work.draws;
        double[] p = work.probabilities;
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
        DropMask.uniforms(stream, first + from, draws, size, work.swap);
        int bits = 32 - Integer.numberOfLeadingZeros(min ^ max);
        if (bits == 0) {
            // every magnitude equal: ranks by position
            for (int k = 0; k < size; k++) {
                p[k] = low + step * k;
            }
        } else {
            if (max >= 0x7F800000 || !rankSpread(values, keys, size, Float.intBitsToFloat(max), low, step, p, work)) {
                rank(keys, size, bits, low, step, p, work);
            }
        }
        if (max < 0x7F800000) {
            // finite: v/p times 1 where the draw is below p, else times 0 (+0.0 added, so a dropped entry is +0.0);
            // into an array of its own at the loop's index, which the JIT vectorises (t at an offset it does not)
            double[] kept = work.kept;
            for (int k = 0; k < size; k++) {
                kept[k] = values[k] / p[k] * Math.max(0.0, Math.signum(p[k] - draws[k])) + 0.0;
            }
            System.arraycopy(kept, 0, t, offset, size);
        } else {
            // ±Inf or NaN, which times 0 is NaN: select instead
            for (int k = 0; k < size; k++) {
                t[offset + k] = draws[k] < p[k] ? values[k] / p[k] : 0;
            }
        }
    }

    /**
     * The rank by one counting sort on |v| itself (not its bits): bucket floor(|v|·(B−1)/max|v|) of B ≈ 2.7 buckets per
     * entry, monotone in |v|, so the buckets are in magnitude order and an insertion sort on (key, position) finishes
     * within them. Magnitudes spread evenly over [0, max] (uniform, Gaussian, Laplace-like) leave a fraction of an
     * entry per bucket and a few moves, one counting pass instead of two. Returns false before sorting when the counts
     * show them bunched (Σ c(c−1)/2 over the buckets above 1 per entry: outliers far above the rest), for
     * {@link #rank}. Finite magnitudes only.
     */
    private static boolean rankSpread(
            float[] values, int[] keys, int size, float maxAbs, double low, double step, double[] p, Work work) {
        int radix = Math.min(MAX_SPREAD_BUCKETS, Integer.highestOneBit(size) << 2);
        int top = radix - 1;
        double scale = top / (double) maxAbs;
        int[] counts = work.counts;
        int[] buckets = work.buckets;
        Arrays.fill(counts, 0, radix, 0);
        for (int k = 0; k < size; k++) {
            buckets[k] = Math.min(top, (int) (Math.abs(values[k]) * scale));
        }
        // Σ c(c−1)/2 over the buckets: Σ over the entries of their bucket's count before them
        long pairs = 0;
        for (int k = 0; k < size; k++) {
            pairs += counts[buckets[k]]++;
        }
        if (pairs > size) {
            return false;
        }
        int sum = 0;
        for (int b = 0; b < radix; b++) {
            int c = counts[b];
            counts[b] = sum;
            sum += c;
        }
        long[] sorted = work.sorted;
        for (int k = 0; k < size; k++) {
            sorted[counts[buckets[k]]++] = (long) keys[k] << 32 | k;
        }
        // at most Σ c(c−1)/2 ≤ size moves: only entries of one bucket can be out of order. One branch-free bubble
        // pass first puts every bucket of two (and most of three) in order, so the insertion sort's test seldom fails
        // (each failure a mispredicted branch, which cost more than the rest of the sort)
        long carried = sorted[0];
        for (int k = 1; k < size; k++) {
            long e = sorted[k];
            sorted[k - 1] = Math.min(carried, e);
            carried = Math.max(carried, e);
        }
        sorted[size - 1] = carried;
        insertionSort(sorted, size, Integer.MAX_VALUE);
        for (int r = 0; r < size; r++) {
            p[(int) sorted[r]] = low + step * r;
        }
        return true;
    }

    /** Sorts a nearly sorted array in place; false (order undefined) once it has moved more than {@code budget}. */
    private static boolean insertionSort(long[] a, int size, int budget) {
        int moves = 0;
        for (int i = 1; i < size; i++) {
            long e = a[i];
            if (e < a[i - 1]) {
                int j = i - 1;
                do {
                    a[j + 1] = a[j];
                    j--;
                    moves++;
                } while (j >= 0 && a[j] > e);
                a[j + 1] = e;
                if (moves > budget) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * p[k] = low + step·rank of entry k, for keys that differ in their low {@code bits} bits. A stable LSD radix sort
     * of (key, position), packed in one long, on the top 2·d of those bits only (d = 8 to 11 bits per pass, about half
     * the group's length in buckets, so counting costs little; a pass whose digit is the same for every key skipped),
     * then an insertion sort on the whole long, which only has to reorder keys that share those top bits: a few in a
     * group of distinct magnitudes. Where they are many (magnitudes bunched in a range far narrower than the group's),
     * it gives up after 2 moves per entry and {@link #rankFully} sorts all the bits. Both give exactly (|v|, position)
     * order.
     */
    private static void rank(int[] keys, int size, int bits, double low, double step, double[] p, Work work) {
        int digit = Math.clamp(31 - Integer.numberOfLeadingZeros(size - 1), 8, MAX_DIGIT);
        int ignored = Math.max(0, bits - 2 * digit);
        int sortBits = bits - ignored;
        int passes = sortBits <= digit ? 1 : 2;
        digit = (sortBits + passes - 1) / passes;
        int radix = 1 << digit;
        int digitMask = radix - 1;
        int[] counts = work.counts;
        Arrays.fill(counts, 0, passes << digit, 0);
        if (passes == 1) {
            for (int k = 0; k < size; k++) {
                counts[keys[k] >>> ignored & digitMask]++;
            }
        } else {
            for (int k = 0; k < size; k++) {
                int key = keys[k] >>> ignored;
                counts[key & digitMask]++;
                counts[radix + (key >>> digit & digitMask)]++;
            }
        }
        long[] src = work.sorted;
        long[] dst = work.swap;
        boolean firstRun = true;
        for (int pass = 0; pass < passes; pass++) {
            int at = pass << digit;
            int shift = ignored + pass * digit;
            if (counts[at + (keys[0] >>> shift & digitMask)] == size) {
                continue;
            }
            int sum = 0;
            for (int b = 0; b < radix; b++) {
                int c = counts[at + b];
                counts[at + b] = sum;
                sum += c;
            }
            if (firstRun) {
                for (int k = 0; k < size; k++) {
                    int key = keys[k];
                    src[counts[at + (key >>> shift & digitMask)]++] = (long) key << 32 | k;
                }
                firstRun = false;
            } else {
                for (int k = 0; k < size; k++) {
                    long e = src[k];
                    dst[counts[at + ((int) (e >>> 32) >>> shift & digitMask)]++] = e;
                }
                long[] swap = src;
                src = dst;
                dst = swap;
            }
        }
        if (ignored > 0 && !insertionSort(src, size, 2 * size)) {
            rankFully(keys, size, bits, low, step, p, work);
            return;
        }
        for (int r = 0; r < size; r++) {
            p[(int) src[r]] = low + step * r;
        }
    }

    /**
     * As {@link #rank}, sorting every differing bit: at most three passes of at most 11 bits, the last of which places
     * each entry at its rank and writes its p there.
     */
    private static void rankFully(int[] keys, int size, int bits, double low, double step, double[] p, Work work) {
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
                    p[k] = low + step * counts[at + (keys[k] >>> shift & digitMask)]++;
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
                    p[(int) e] = low + step * counts[at + ((int) (e >>> 32) >>> shift & digitMask)]++;
                }
            }
            firstRun = false;
        }
    }
}
