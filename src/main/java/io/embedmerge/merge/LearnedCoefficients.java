package io.embedmerge.merge;

/** Coefficients found before the merge (by Self-Positioning): V_m = λ Σ c_i V_i. */
public record LearnedCoefficients(double[] c, double lambda) implements Precomputed {
}
