package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.merge.statistics.SlerpCoefficients;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The forward-mode Jacobian ∂c/∂a of the iterated-slerp coefficients against central finite differences. */
class SlerpCoefficientsTest {

    @Test
    void jacobianMatchesCentralDifferences() {
        Random random = new Random(2);
        int n = 4;
        double[][] vectors = new double[n][20];
        for (double[] v : vectors) {
            for (int j = 0; j < v.length; j++) {
                v[j] = random.nextGaussian();
            }
        }
        double[][] gram = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                gram[i][k] = ReferenceMerges.dot(vectors[i], vectors[k]);
            }
        }
        double[] a = {0.7, 1.3, 0.9, 2.1};
        SlerpCoefficients.Result result = SlerpCoefficients.compute(gram, a);
        double h = 1e-6;
        for (int j = 0; j < n; j++) {
            double[] up = a.clone();
            double[] down = a.clone();
            up[j] += h;
            down[j] -= h;
            double[] cu = SlerpCoefficients.compute(gram, up).c();
            double[] cd = SlerpCoefficients.compute(gram, down).c();
            for (int i = 0; i < n; i++) {
                double numeric = (cu[i] - cd[i]) / (2 * h);
                assertThat(result.jacobian()[i][j])
                        .as("dc_%d/da_%d", i, j)
                        .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(numeric))));
            }
        }
        // t_2 = a_2 / (a_1 + a_2) for the first step
        assertThat(result.t()[0]).isCloseTo(1.3 / 2.0, org.assertj.core.data.Offset.offset(1e-15));
    }
}
