package io.embedmerge.merge.kernels;

/**
 * Magnitude sparsification: keeps v = θ_i − θ0 (float32) where lower_i ≤ |v|, and, with upper bounds (Breadcrumbs),
 * where also |v| < upper_i (ties at either bound go the same way for every entry). Exact: for floats |v| − threshold is 0 only when they are equal, so
 * signum(|v| − lower) + 1 ≥ 1 exactly when v is kept.
 */
public final class MagnitudeBand implements Sparsifier {

    private final float[] lower;
    private final float[] upper;

    /** @param upper per model the magnitude from which entries are dropped as outliers, or null for none (TIES) */
    public MagnitudeBand(float[] lower, float[] upper) {
        this.lower = lower.clone();
        this.upper = upper == null ? null : upper.clone();
    }

    @Override
    public void apply(int model, long first, float[] base, float[] m, double[] t, int start, int end) {
        float threshold = lower[model];
        for (int j = start; j < end; j++) {
            float v = m[j] - base[j];
            t[j - start] = v * Math.min(1f, Math.signum(Math.abs(v) - threshold) + 1f);
        }
        if (upper != null) {
            float top = upper[model];
            for (int j = start; j < end; j++) {
                t[j - start] *= Math.max(0f, Math.signum(top - Math.abs(m[j] - base[j])));
            }
        }
    }
}
