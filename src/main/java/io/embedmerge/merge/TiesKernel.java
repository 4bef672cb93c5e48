package io.embedmerge.merge;

/**
 * Elect sign and disjoint merge of TIES (merge-methods.md, steps 2–3) on already trimmed or dropped task-vector
 * entries, followed by the scale λ·r (r from rescale=norm, else 1).
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

    /** τ̂ for one element from the models' (trimmed) entries t[i][j]. */
    double merge(float[][] t, int j) {
        double vote = 0;
        for (int i = 0; i < weights.length; i++) {
            double x = weights[i] * t[i][j];
            vote += countSigns ? Math.signum(x) : x;
        }
        double sign = vote >= 0 ? 1 : -1;
        double numerator = 0;
        double divisor = 0;
        for (int i = 0; i < weights.length; i++) {
            double x = weights[i] * t[i][j];
            if (t[i][j] != 0 && Math.signum(x) == sign) {
                numerator += x;
                divisor += weights[i];
            }
        }
        if (!normalize || divisor == 0) {
            return numerator;
        }
        return numerator / divisor;
    }

    /** Writes out[j] = θ0 + scale·τ̂ for a chunk. */
    void apply(float[] base, float[][] trimmed, double scale, float[] out, int count) {
        for (int j = 0; j < count; j++) {
            out[j] = (float) (base[j] + scale * merge(trimmed, j));
        }
    }
}
