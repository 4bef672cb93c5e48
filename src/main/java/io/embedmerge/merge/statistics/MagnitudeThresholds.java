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

    private MagnitudeThresholds() {
    }

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
        float[] thresholds = new float[n];
        if (entries == 0) {
            return thresholds;
        }
        long k = Math.max(1, (long) Math.ceil(density * entries));
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
        int[] bin = new int[n];
        long[] rank = new long[n];
        for (int i = 0; i < n; i++) {
            long seen = 0;
            int b = BINS - 1;
            while (seen + high[i][b] < k) {
                seen += high[i][b];
                b--;
            }
            bin[i] = b;
            rank[i] = k - seen;
        }
        long[][] low = high;
        for (long[] totals : low) {
            java.util.Arrays.fill(totals, 0);
        }
        pending[0] = 0;
        pass.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                float[] m = models[i];
                int target = bin[i];
                int[][] modelCounts = counts[i];
                ChunkRanges.forEach(count, (part, from, to) -> {
                    int[] c = modelCounts[part];
                    for (int j = from; j < to; j++) {
                        int bits = Float.floatToRawIntBits(m[j] - base[j]) & 0x7FFFFFFF;
                        if (bits >>> 16 == target) {
                            c[bits & 0xFFFF]++;
                        }
                    }
                });
            }
            if ((pending[0] += count) > FLUSH_AFTER) {
                flushAll(counts, low);
                pending[0] = 0;
            }
        });
        flushAll(counts, low);
        for (int i = 0; i < n; i++) {
            long seen = 0;
            int b = BINS - 1;
            while (seen + low[i][b] < rank[i]) {
                seen += low[i][b];
                b--;
            }
            thresholds[i] = Float.intBitsToFloat(bin[i] << 16 | b);
        }
        return thresholds;
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
