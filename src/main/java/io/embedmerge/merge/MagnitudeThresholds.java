package io.embedmerge.merge;

import java.util.function.Consumer;

/**
 * The exact k-th largest |v| of each model's task vector v = θ_i − θ0 (float32), found in two streaming passes
 * with bounded memory: a histogram of the upper 16 bits of |v| (for non-negative floats the order of the bit
 * patterns is the order of the values), then a histogram of the lower 16 bits within the bin that holds the k-th
 * value. Memory is 2 × 65536 counters per model, whatever the number of entries.
 */
public final class MagnitudeThresholds {

    private static final int BINS = 1 << 16;

    private MagnitudeThresholds() {
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
        int[][] counts = new int[ChunkRanges.PARTS][BINS];
        pass.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                float[] m = models[i];
                ChunkRanges.forEach(count, (part, from, to) -> {
                    int[] c = counts[part];
                    for (int j = from; j < to; j++) {
                        c[Float.floatToRawIntBits(m[j] - base[j]) >>> 16 & 0x7FFF]++;
                    }
                });
                flush(counts, high[i]);
            }
        });
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
        long[][] low = new long[n][BINS];
        pass.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                float[] m = models[i];
                int target = bin[i];
                ChunkRanges.forEach(count, (part, from, to) -> {
                    int[] c = counts[part];
                    for (int j = from; j < to; j++) {
                        int bits = Float.floatToRawIntBits(m[j] - base[j]) & 0x7FFFFFFF;
                        if (bits >>> 16 == target) {
                            c[bits & 0xFFFF]++;
                        }
                    }
                });
                flush(counts, low[i]);
            }
        });
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

    /** Adds each part's int counts of a chunk to the long totals and clears them (a chunk has at most 2^20 entries). */
    private static void flush(int[][] counts, long[] totals) {
        for (int[] c : counts) {
            for (int b = 0; b < BINS; b++) {
                totals[b] += c[b];
                c[b] = 0;
            }
        }
    }
}
