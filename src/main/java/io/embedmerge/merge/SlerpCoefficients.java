package io.embedmerge.merge;

/**
 * Iterated SLERP of task vectors expressed through their Gram matrix (merge-methods.md, slerp): U_1 = V_1,
 * U_k = slerp(U_{k−1}, V_k, t_k) with t_k = a_k / (mean(a_1..a_{k−1}) + a_k). Every U_k is Σ c_i V_i, and the
 * angles only need ⟨U_{k−1}, V_k⟩ = Σ_i c_i G_ik and ‖U_{k−1}‖² = cᵀGc, so the coefficients follow from G alone.
 */
public final class SlerpCoefficients {

    static final double MIN_NORM = 1e-8;
    static final double MAX_COS = 0.9995;

    /**
     * @param c coefficients of U_N = Σ c_i V_i
     * @param t interpolation parameters t_2..t_N
     */
    public record Result(double[] c, double[] t) {
    }

    private SlerpCoefficients() {
    }

    public static Result compute(double[][] gram, double[] a) {
        int n = a.length;
        double[] c = new double[n];
        double[] t = new double[Math.max(0, n - 1)];
        c[0] = 1.0;
        double sumPrev = a[0];
        for (int k = 1; k < n; k++) {
            double tk = a[k] / (sumPrev / k + a[k]);
            t[k - 1] = tk;
            double dot = 0;
            double normA2 = 0;
            for (int i = 0; i < k; i++) {
                dot += c[i] * gram[i][k];
                for (int j = 0; j < k; j++) {
                    normA2 += c[i] * c[j] * gram[i][j];
                }
            }
            double normA = Math.sqrt(Math.max(0, normA2));
            double normB = Math.sqrt(Math.max(0, gram[k][k]));
            double alpha = 1 - tk;
            double beta = tk;
            if (normA >= MIN_NORM && normB >= MIN_NORM) {
                double cos = dot / (normA * normB);
                if (Math.abs(cos) <= MAX_COS) {
                    double omega = Math.acos(cos);
                    double sin = Math.sin(omega);
                    alpha = Math.sin((1 - tk) * omega) / sin;
                    beta = Math.sin(tk * omega) / sin;
                }
            }
            for (int i = 0; i < k; i++) {
                c[i] *= alpha;
            }
            c[k] = beta;
            sumPrev += a[k];
        }
        return new Result(c, t);
    }
}
