package io.embedmerge.merge.kernels;

import java.util.Arrays;

/**
 * DELLA's MagPrune: within each group (a row of the tensor, i.e. its last dimension, as mergekit ranks "per node"),
 * the entry of ascending-magnitude rank r ∈ [0, G−1] survives with probability
 * p = (ρ_i − ε_i) + 2ε_i·r/(G−1) (p = ρ_i when G = 1) and survivors are divided by p. Ties in magnitude are ranked
 * by position. Rows longer than {@code maxGroup} are ranked in consecutive segments of that length; the executor's
 * write pass hands whole groups to each chunk.
 */
public final class RankedDrop implements Sparsifier {

    private final DropMask mask;
    private final long[] streams;
    private final double[] density;
    private final double[] epsilon;
    private final long rowLength;
    private final int maxGroup;
    private final long[] cachedGroup;
    private final int[][] ranks;
    private long[] keys = new long[0];

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

    /** Ascending-magnitude ranks of positions [from, from+size): sorts (|v| bits, position) keys. */
    private void rank(int model, float[] base, float[] m, int from, int size) {
        if (keys.length < size) {
            keys = new long[size];
        }
        for (int k = 0; k < size; k++) {
            int bits = Float.floatToRawIntBits(m[from + k] - base[from + k]) & 0x7FFFFFFF;
            keys[k] = (long) bits << 32 | k;
        }
        Arrays.sort(keys, 0, size);
        if (ranks[model] == null || ranks[model].length < size) {
            ranks[model] = new int[size];
        }
        int[] r = ranks[model];
        for (int k = 0; k < size; k++) {
            r[(int) keys[k]] = k;
        }
    }
}
