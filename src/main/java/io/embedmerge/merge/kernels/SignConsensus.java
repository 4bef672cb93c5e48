package io.embedmerge.merge.kernels;

/**
 * Elect sign and disjoint merge of TIES (merge-methods.md, steps 2–3) on the weighted entries x_i = w_i·τ'_i of a
 * block, scaled by λ. One simple loop per step and selects written as arithmetic ({@code signum}, {@code min},
 * {@code max}), so that the JIT vectorises every loop.
 */
public final class SignConsensus {

    private final double[] weights;
    private final boolean countSigns;
    private final boolean normalize;

    /**
     * @param countSigns elect by the majority of signs ({@code count}) instead of the sign of the weighted sum
     * @param normalize  divide by Σ w_i over the agreeing models (a zero divisor counts as 1)
     */
    public SignConsensus(double[] weights, boolean countSigns, boolean normalize) {
        this.weights = weights.clone();
        this.countSigns = countSigns;
        this.normalize = normalize;
    }

    /** Steps 2–3 on {@code scratch.entries[i][0 .. length)}: τ̂ into {@code scratch.merged}. */
    public void merge(BlockScratch scratch, int length) {
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
    public void combine(BlockScratch scratch, float[] base, double scale, float[] out, int start, int end) {
        merge(scratch, end - start);
        double[] merged = scratch.merged;
        for (int j = start; j < end; j++) {
            out[j] = (float) (base[j] + scale * merged[j - start]);
        }
    }
}
