package io.embedmerge.merge.kernels;

/** Combination without sign consensus: out[j] = base[j] + Σ s_i τ'_i, accumulated in float64 in model order. */
public final class EntrySum {

    private final double[] scales;

    public EntrySum(double[] scales) {
        this.scales = scales.clone();
    }

    public void combine(BlockScratch scratch, float[] base, float[] out, int start, int end) {
        double[] acc = scratch.merged;
        for (int k = 0; k < end - start; k++) {
            acc[k] = 0;
        }
        for (int i = 0; i < scales.length; i++) {
            double s = scales[i];
            double[] d = scratch.entries[i];
            for (int k = 0; k < end - start; k++) {
                acc[k] += s * d[k];
            }
        }
        for (int j = start; j < end; j++) {
            out[j] = (float) (base[j] + acc[j - start]);
        }
    }
}
