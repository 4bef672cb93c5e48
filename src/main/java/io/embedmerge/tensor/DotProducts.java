package io.embedmerge.tensor;

/**
 * Dot products of ranges of Java arrays in float64: every product is formed in float64 (exact for float32 operands)
 * and summed with four independent accumulators, which break the dependency chain of the reduction so the JIT can
 * pipeline it. The kernel of the Gram passes over checkpoints and of the Self-Positioning projections.
 */
public final class DotProducts {

    private DotProducts() {}

    /** Σ a_j·b_j over j in [from, to), in float64. */
    public static double of(float[] a, float[] b, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = from;
        for (; j + 3 < to; j += 4) {
            s0 += (double) a[j] * b[j];
            s1 += (double) a[j + 1] * b[j + 1];
            s2 += (double) a[j + 2] * b[j + 2];
            s3 += (double) a[j + 3] * b[j + 3];
        }
        for (; j < to; j++) {
            s0 += (double) a[j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ a_j·b_j over j in [from, to). */
    public static double of(double[] a, double[] b, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = from;
        for (; j + 3 < to; j += 4) {
            s0 += a[j] * b[j];
            s1 += a[j + 1] * b[j + 1];
            s2 += a[j + 2] * b[j + 2];
            s3 += a[j + 3] * b[j + 3];
        }
        for (; j < to; j++) {
            s0 += a[j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
