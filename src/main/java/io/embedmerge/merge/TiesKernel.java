package io.embedmerge.merge;

/**
 * Trim (optional), elect sign and disjoint merge of TIES (merge-methods.md, steps 1–3), fused into one loop per
 * element so that no intermediate arrays are written; the result is scaled by λ·r (r from rescale=norm, else 1).
 * Votes and sums are float64.
 */
final class TiesKernel {

    private final double[] weights;
    private final boolean countSigns;
    private final boolean normalize;

    TiesKernel(double[] weights, boolean countSigns, boolean normalize) {
        this.weights = weights.clone();
        this.countSigns = countSigns;
        this.normalize = normalize;
    }

    /**
     * τ̂[j] for {@code from <= j < to}. The entries of model i are {@code models[i][j] − base[j]} when {@code base} is
     * given, else {@code models[i][j]}; entries with |v| below {@code thresholds[i]} count as 0 (pass zeros to keep
     * everything).
     */
    void merge(float[] base, float[][] models, float[] thresholds, double[] out, int from, int to) {
        int n = weights.length;
        double[] w = weights;
        for (int j = from; j < to; j++) {
            double b = base == null ? 0 : base[j];
            double vote = 0;
            for (int i = 0; i < n; i++) {
                float v = base == null ? models[i][j] : models[i][j] - (float) b;
                float t = Math.abs(v) >= thresholds[i] ? v : 0f;
                double x = w[i] * t;
                vote += countSigns ? Math.signum(x) : x;
            }
            double sign = vote >= 0 ? 1 : -1;
            double numerator = 0;
            double divisor = 0;
            for (int i = 0; i < n; i++) {
                float v = base == null ? models[i][j] : models[i][j] - (float) b;
                float t = Math.abs(v) >= thresholds[i] ? v : 0f;
                double x = w[i] * t;
                // agrees with the elected sign (+ where the vote is 0); zero entries and zero weights never agree
                double agree = x * sign > 0 ? 1 : 0;
                numerator += x * agree;
                divisor += w[i] * agree;
            }
            out[j] = normalize && divisor != 0 ? numerator / divisor : numerator;
        }
    }

    /** Writes out[j] = θ0 + scale·τ̂ for a chunk of raw checkpoint values. */
    void applyToCheckpoints(float[] base, float[][] models, float[] thresholds, double scale, double[] scratch,
                            float[] out, int from, int to) {
        merge(base, models, thresholds, scratch, from, to);
        for (int j = from; j < to; j++) {
            out[j] = (float) (base[j] + scale * scratch[j]);
        }
    }

    /** Writes out[j] = θ0 + scale·τ̂ for a chunk of task-vector entries that need no trim (dare). */
    void applyToEntries(float[] base, float[][] entries, float[] zeros, double scale, double[] scratch,
                        float[] out, int from, int to) {
        merge(null, entries, zeros, scratch, from, to);
        for (int j = from; j < to; j++) {
            out[j] = (float) (base[j] + scale * scratch[j]);
        }
    }
}
