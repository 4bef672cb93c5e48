package io.embedmerge.merge.kernels;


/**
 * Trim, elect sign and disjoint merge of TIES (merge-methods.md, steps 1–3), scaled by λ·r. Work is done in blocks
 * of {@link #BLOCK} elements with one simple loop per step and selects written as arithmetic ({@code signum},
 * {@code min}, {@code max}), so that the JIT vectorises every loop. Block scratch is float64 (votes and sums are
 * float64 by contract), which also tells the JIT that it cannot alias the float32 inputs.
 */
public final class TiesKernel {

    public static final int BLOCK = 1024;

    private final double[] weights;
    private final boolean countSigns;
    private final boolean normalize;

    public TiesKernel(double[] weights, boolean countSigns, boolean normalize) {
        this.weights = weights.clone();
        this.countSigns = countSigns;
        this.normalize = normalize;
    }

    /** Per-call working memory for one block: the entries of each model, and the per-element sums. */
    public static final class Scratch {
        public final double[][] entries;
        final double[] vote = new double[BLOCK];
        final double[] sign = new double[BLOCK];
        final double[] divisor = new double[BLOCK];
        public final double[] merged = new double[BLOCK];

        public Scratch(int models) {
            entries = new double[models][BLOCK];
        }
    }

    /**
     * Step 1 for positions [start, end) into {@code t[0 .. end-start)}: v = model − base in float32, kept when
     * |v| ≥ threshold. Exact: for floats |v| − threshold is 0 only when they are equal, so
     * signum(|v| − threshold) + 1 ≥ 1 exactly when v is kept.
     */
    public static void trim(float[] model, float[] base, float threshold, double[] t, int start, int end) {
        for (int j = start; j < end; j++) {
            float v = model[j] - base[j];
            t[j - start] = v * Math.min(1f, Math.signum(Math.abs(v) - threshold) + 1f);
        }
    }

    /** Steps 2–3 on {@code scratch.entries[i][0 .. length)}: τ̂ into {@code scratch.merged}. */
    public void merge(Scratch scratch, int length) {
        double[] vote = scratch.vote;
        double[] sign = scratch.sign;
        double[] divisor = scratch.divisor;
        double[] merged = scratch.merged;
        for (int k = 0; k < length; k++) {
            vote[k] = 0;
            merged[k] = 0;
            divisor[k] = 0;
        }
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            double[] t = scratch.entries[i];
            if (countSigns) {
                for (int k = 0; k < length; k++) {
                    vote[k] += Math.signum(w * t[k]);
                }
            } else {
                for (int k = 0; k < length; k++) {
                    vote[k] += w * t[k];
                }
            }
        }
        for (int k = 0; k < length; k++) {
            sign[k] = Math.min(1.0, Math.signum(vote[k]) * 2 + 1);
        }
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            double[] t = scratch.entries[i];
            for (int k = 0; k < length; k++) {
                double x = w * t[k];
                // 1 where x has the elected sign; zero entries and zero weights never agree
                double agrees = Math.max(0, Math.signum(x * sign[k]));
                merged[k] += x * agrees;
                divisor[k] += w * agrees;
            }
        }
        if (normalize) {
            for (int k = 0; k < length; k++) {
                double d = divisor[k];
                merged[k] = merged[k] / (d + (1 - Math.abs(Math.signum(d))));
            }
        }
    }

    /** out[j] = base[j] + scale·τ̂ for positions [start, end), from entries already in the scratch. */
    public void combine(Scratch scratch, float[] base, double scale, float[] out, int start, int end) {
        merge(scratch, end - start);
        double[] merged = scratch.merged;
        for (int j = start; j < end; j++) {
            out[j] = (float) (base[j] + scale * merged[j - start]);
        }
    }
}
