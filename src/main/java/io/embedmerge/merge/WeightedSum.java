package io.embedmerge.merge;

/**
 * {@code out = θ0 + Σ s_i (θ_i − θ0)} with fixed per-model scales s_i, accumulated in float64: the final pass of
 * linear, task arithmetic and model-level slerp. Loops run model by model over the chunk so that the JIT
 * vectorises them.
 */
final class WeightedSum implements ChunkMerger {

    private final double[] scales;
    private final ThreadLocal<double[]> accumulator;

    WeightedSum(double[] scales) {
        this.scales = scales.clone();
        this.accumulator = ThreadLocal.withInitial(() -> new double[MergeExecutor.CHUNK_ELEMENTS]);
    }

    @Override
    public void merge(long first, float[] base, float[][] models, float[] out, int from, int to) {
        double[] acc = accumulator.get();
        for (int j = from; j < to; j++) {
            acc[j] = base[j];
        }
        for (int i = 0; i < scales.length; i++) {
            double s = scales[i];
            float[] m = models[i];
            for (int j = from; j < to; j++) {
                acc[j] += s * ((double) m[j] - base[j]);
            }
        }
        for (int j = from; j < to; j++) {
            out[j] = (float) acc[j];
        }
    }
}
