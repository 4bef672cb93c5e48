package io.embedmerge.merge;

import java.util.function.Consumer;

/**
 * The exact k-th largest |v| of each model's task vector, found in two streaming passes with bounded memory: a
 * histogram of the upper 16 bits of the float32 magnitude (its order is the order of the bit patterns), then a
 * histogram of the lower 16 bits within the bin that holds the k-th value. Memory is 2 × 65536 counters per model,
 * whatever the number of entries.
 */
final class MagnitudeThresholds {

    private static final int BINS = 1 << 16;

    private MagnitudeThresholds() {
    }

    /**
     * @param pass     runs one pass, feeding chunks of task vectors (per model, float32) to the given sink
     * @param n        number of models
     * @param entries  number of entries per model in the pass
     * @param density  share ρ to keep; k = ⌈ρ·entries⌉
     * @return per model the k-th largest magnitude (0 when there are no entries)
     */
    static float[] find(Consumer<TaskVectorSink> pass, int n, long entries, double density) {
        long k = Math.max(1, (long) Math.ceil(density * entries));
        float[] thresholds = new float[n];
        if (entries == 0) {
            return thresholds;
        }
        long[][] high = new long[n][BINS];
        pass.accept((model, v, count) -> {
            long[] h = high[model];
            for (int j = 0; j < count; j++) {
                h[Float.floatToRawIntBits(Math.abs(v[j])) >>> 16]++;
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
        pass.accept((model, v, count) -> {
            long[] h = low[model];
            int target = bin[model];
            for (int j = 0; j < count; j++) {
                int bits = Float.floatToRawIntBits(Math.abs(v[j]));
                if (bits >>> 16 == target) {
                    h[bits & 0xFFFF]++;
                }
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

    /** Receives the task vector of one model for one chunk. */
    @FunctionalInterface
    interface TaskVectorSink {
        void accept(int model, float[] v, int count);
    }
}
