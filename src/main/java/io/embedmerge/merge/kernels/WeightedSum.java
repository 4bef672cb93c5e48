package io.embedmerge.merge.kernels;

import io.embedmerge.merge.ChunkMerger;

/**
 * {@code out = θ0 + Σ s_i (θ_i − θ0)} with fixed per-model scales s_i, accumulated in float64: the final pass of
 * linear, task arithmetic and model-level slerp. Up to three models are summed in one fused loop that the JIT
 * vectorises; more go through a float64 accumulator per block.
 */
public final class WeightedSum implements ChunkMerger {

    private final double[] scales;

    public WeightedSum(double[] scales) {
        this.scales = scales.clone();
    }

    @Override
    public boolean elementwise() {
        return true;
    }

    @Override
    public void merge(long first, float[] base, float[][] models, float[] out, int from, int to) {
        double[] s = scales;
        switch (s.length) {
            case 1 -> {
                float[] a = models[0];
                double s0 = s[0];
                for (int j = from; j < to; j++) {
                    double b = base[j];
                    out[j] = (float) (b + s0 * (a[j] - b));
                }
            }
            case 2 -> {
                float[] a = models[0];
                float[] c = models[1];
                double s0 = s[0];
                double s1 = s[1];
                for (int j = from; j < to; j++) {
                    double b = base[j];
                    out[j] = (float) (b + s0 * (a[j] - b) + s1 * (c[j] - b));
                }
            }
            case 3 -> {
                float[] a = models[0];
                float[] c = models[1];
                float[] d = models[2];
                double s0 = s[0];
                double s1 = s[1];
                double s2 = s[2];
                for (int j = from; j < to; j++) {
                    double b = base[j];
                    out[j] = (float) (b + s0 * (a[j] - b) + s1 * (c[j] - b) + s2 * (d[j] - b));
                }
            }
            default -> mergeMany(base, models, out, from, to);
        }
    }

    /** More than three models: a float64 accumulator per block (a different type than the inputs, so no aliasing). */
    private void mergeMany(float[] base, float[][] models, float[] out, int from, int to) {
        double[] acc = new double[BlockScratch.SIZE];
        for (int start = from; start < to; start += BlockScratch.SIZE) {
            int end = Math.min(to, start + BlockScratch.SIZE);
            for (int j = start; j < end; j++) {
                acc[j - start] = base[j];
            }
            for (int i = 0; i < scales.length; i++) {
                double s = scales[i];
                float[] m = models[i];
                for (int j = start; j < end; j++) {
                    acc[j - start] += s * ((double) m[j] - base[j]);
                }
            }
            for (int j = start; j < end; j++) {
                out[j] = (float) acc[j - start];
            }
        }
    }
}
