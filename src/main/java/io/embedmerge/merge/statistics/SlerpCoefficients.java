package io.embedmerge.merge.statistics;

/**
 * Iterated SLERP of task vectors expressed through their Gram matrix (merge-methods.md, slerp): U_1 = V_1,
 * U_k = slerp(U_{k−1}, V_k, t_k) with t_k = a_k / (mean(a_1..a_{k−1}) + a_k). Every U_k is Σ c_i V_i, and the
 * angles only need ⟨U_{k−1}, V_k⟩ = Σ_i c_i G_ik and ‖U_{k−1}‖² = cᵀGc, so the coefficients follow from G alone.
 * They are computed with forward-mode derivatives, so the Jacobian ∂c/∂a comes for free (Self-Positioning).
 */
public final class SlerpCoefficients {

    static final double MIN_NORM = 1e-8;
    static final double MAX_COS = 0.9995;

    /**
     * @param c        coefficients of U_N = Σ c_i V_i
     * @param t        interpolation parameters t_2..t_N
     * @param jacobian ∂c_i/∂a_j
     */
    public record Result(double[] c, double[] t, double[][] jacobian) {}

    private SlerpCoefficients() {}

    public static Result compute(double[][] gram, double[] a) {
        int n = a.length;
        Dual[] weights = new Dual[n];
        for (int j = 0; j < n; j++) {
            weights[j] = Dual.variable(n, j, a[j]);
        }
        Dual[] c = new Dual[n];
        for (int i = 0; i < n; i++) {
            c[i] = Dual.constant(n, 0);
        }
        c[0] = Dual.constant(n, 1);
        double[] t = new double[Math.max(0, n - 1)];
        Dual sumPrevious = weights[0];
        for (int k = 1; k < n; k++) {
            Dual tk = weights[k].dividedBy(sumPrevious.times(1.0 / k).plus(weights[k]));
            t[k - 1] = tk.v();
            Dual dot = Dual.constant(n, 0);
            Dual normA2 = Dual.constant(n, 0);
            for (int i = 0; i < k; i++) {
                dot = dot.plus(c[i].times(gram[i][k]));
                for (int j = 0; j < k; j++) {
                    normA2 = normA2.plus(c[i].times(c[j]).times(gram[i][j]));
                }
            }
            double normB = Math.sqrt(Math.max(0, gram[k][k]));
            Dual alpha = tk.times(-1).plus(1);
            Dual beta = tk;
            if (normA2.v() > 0 && Math.sqrt(normA2.v()) >= MIN_NORM && normB >= MIN_NORM) {
                Dual cos = dot.dividedBy(normA2.sqrt().times(normB));
                if (Math.abs(cos.v()) <= MAX_COS) {
                    Dual omega = cos.acos();
                    Dual sin = omega.sin();
                    alpha = alpha.times(omega).sin().dividedBy(sin);
                    beta = tk.times(omega).sin().dividedBy(sin);
                }
            }
            for (int i = 0; i < k; i++) {
                c[i] = c[i].times(alpha);
            }
            c[k] = beta;
            sumPrevious = sumPrevious.plus(weights[k]);
        }
        double[] values = new double[n];
        double[][] jacobian = new double[n][];
        for (int i = 0; i < n; i++) {
            values[i] = c[i].v();
            jacobian[i] = c[i].d().clone();
        }
        return new Result(values, t, jacobian);
    }
}
