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
}
