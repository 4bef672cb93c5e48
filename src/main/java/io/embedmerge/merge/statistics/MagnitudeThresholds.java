package io.embedmerge.merge.statistics;

import io.embedmerge.merge.ChunkVisitor;
import io.embedmerge.merge.execution.ChunkRanges;
import java.util.function.Consumer;

/**
 * The exact k-th largest |v| of each model's task vector v = θ_i − θ0 (float32), found in two streaming passes
 * with bounded memory: a histogram of the upper 16 bits of |v| (for non-negative floats the order of the bit
 * patterns is the order of the values), then a histogram of the lower 16 bits within the bin that holds the k-th
 * value. Memory is 65536 long counters per model plus 65536 int counters per model and core, whatever the
 * number of entries; the model-count limit of a request bounds it.
 */
public final class MagnitudeThresholds {

    private static final int BINS = 1 << 16;
    private static final long FLUSH_AFTER = 1L << 30;

    private MagnitudeThresholds() {}

    private static void highHistogram(float[] m, float[] base, int count, int[][] counts) {
        ChunkRanges.forEach(count, (part, from, to) -> {
            int[] c = counts[part];
            for (int j = from; j < to; j++) {
                c[Float.floatToRawIntBits(m[j] - base[j]) >>> 16 & 0x7FFF]++;
            }
        });
    }

    /**
     * @param pass    runs one pass over the entries, calling the visitor chunk by chunk
     * @param n       number of models
     * @param entries number of entries per model in the pass
     * @param density share ρ to keep; k = ⌈ρ·entries⌉
     * @return per model the k-th largest magnitude (0 when there are no entries)
     */
    public static float[] find(Consumer<ChunkVisitor> pass, int n, long entries, double density) {
        long[][] ranks = new long[n][1];
        for (long[] r : ranks) {
            r[0] = Math.max(1, (long) Math.ceil(density * entries));
        }
        float[][] found = findRanks(pass, n, entries, ranks);
        float[] thresholds = new float[n];
        for (int i = 0; i < n; i++) {
            thresholds[i] = found[i][0];
        }
        return thresholds;
    }

    /**
     * The k-th largest magnitude of each model for every k in {@code ranks[i]} (each in [1, entries]), in the same
     * two passes whatever the number of ranks; returns 0 for every rank when there are no entries.
     */
    public static float[][] findRanks(Consumer<ChunkVisitor> pass, int n, long entries, long[][] ranks) {
        float[][] thresholds = new float[n][];
        for (int i = 0; i < n; i++) {
            thresholds[i] = new float[ranks[i].length];
        }
        if (entries == 0) {
            return thresholds;
        }
        long[][] high = new long[n][BINS];
        int[][][] counts = new int[n][ChunkRanges.PARTS][BINS];
        long[] pending = new long[1];
        pass.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                highHistogram(models[i], base, count, counts[i]);
            }
            if ((pending[0] += count) > FLUSH_AFTER) {
                flushAll(counts, high);
                pending[0] = 0;
            }
        });
        flushAll(counts, high);
        // per model the distinct bins that hold a wanted rank, each refined by its own low histogram
        int[][] bin = new int[n][];
        long[][] rank = new long[n][];
        int[][] slot = new int[n][];
        int[][] targets = new int[n][];
        for (int i = 0; i < n; i++) {
            int r = ranks[i].length;
            bin[i] = new int[r];
            rank[i] = new long[r];
            slot[i] = new int[r];
            java.util.List<Integer> distinct = new java.util.ArrayList<>();
            for (int q = 0; q < r; q++) {
                long k = ranks[i][q];
                long seen = 0;
                int b = BINS - 1;
                while (seen + high[i][b] < k) {
                    seen += high[i][b];
                    b--;
                }
                bin[i][q] = b;
                rank[i][q] = k - seen;
                int at = distinct.indexOf(b);
                if (at < 0) {
                    at = distinct.size();
                    distinct.add(b);
                }
                slot[i][q] = at;
            }
            targets[i] = distinct.stream().mapToInt(Integer::intValue).toArray();
        }
        long[][][] low = new long[n][][];
        int[][][][] lowCounts = new int[n][][][];
        for (int i = 0; i < n; i++) {
            low[i] = new long[targets[i].length][];
            lowCounts[i] = new int[targets[i].length][][];
            for (int t = 0; t < targets[i].length; t++) {
                // the first target reuses the high-pass arrays
                low[i][t] = t == 0 ? high[i] : new long[BINS];
                lowCounts[i][t] = t == 0 ? counts[i] : new int[ChunkRanges.PARTS][BINS];
                java.util.Arrays.fill(low[i][t], 0);
            }
        }
        pending[0] = 0;
        pass.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                float[] m = models[i];
                int[] modelTargets = targets[i];
                int[][][] modelCounts = lowCounts[i];
                ChunkRanges.forEach(count, (part, from, to) -> {
                    if (modelTargets.length == 1) {
                        int target = modelTargets[0];
                        int[] c = modelCounts[0][part];
                        for (int j = from; j < to; j++) {
                            int bits = Float.floatToRawIntBits(m[j] - base[j]) & 0x7FFFFFFF;
                            if (bits >>> 16 == target) {
                                c[bits & 0xFFFF]++;
                            }
                        }
                        return;
                    }
                    // several bins (breadcrumbs' two bounds): one sweep over the entries for all of them
                    for (int j = from; j < to; j++) {
                        int bits = Float.floatToRawIntBits(m[j] - base[j]) & 0x7FFFFFFF;
                        int upper = bits >>> 16;
                        for (int t = 0; t < modelTargets.length; t++) {
                            if (upper == modelTargets[t]) {
                                modelCounts[t][part][bits & 0xFFFF]++;
                                break;
                            }
                        }
                    }
                });
            }
            if ((pending[0] += count) > FLUSH_AFTER) {
                flushLow(lowCounts, low);
                pending[0] = 0;
            }
        });
        flushLow(lowCounts, low);
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < ranks[i].length; q++) {
                long[] histogram = low[i][slot[i][q]];
                long seen = 0;
                int b = BINS - 1;
                while (seen + histogram[b] < rank[i][q]) {
                    seen += histogram[b];
                    b--;
                }
                thresholds[i][q] = Float.intBitsToFloat(bin[i][q] << 16 | b);
            }
        }
        return thresholds;
    }

    private static void flushLow(int[][][][] counts, long[][][] totals) {
        for (int i = 0; i < counts.length; i++) {
            flushAll(counts[i], totals[i]);
        }
    }

    /**
     * Adds the int counts of every model and part to the long totals and clears them; called before any int counter
     * could overflow (each pass flushes after {@link #FLUSH_AFTER} entries per model) and at the end of a pass.
     */
    private static void flushAll(int[][][] counts, long[][] totals) {
        for (int i = 0; i < counts.length; i++) {
            for (int[] c : counts[i]) {
                long[] t = totals[i];
                for (int b = 0; b < c.length; b++) {
                    t[b] += c[b];
                    c[b] = 0;
                }
            }
        }
    }
}
