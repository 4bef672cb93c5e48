package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float64 dot product of the Gram matrix and the gradient projections against an independent reference: exact
 * float64 products summed with Neumaier compensation in Java. The vectors mix magnitudes: 3.1 million products of
 * order 1 and, every 4096 entries, a pair ±1e8 that cancels exactly — any float32 partial sum holding 1e8 has a
 * spacing of 8 and drops the small products added to it. Tolerance: the summation errs by at most
 * (BLOCK/4 + 2)·u·Σ|a_j b_j| + 2u·|Σ a_j b_j| (u = 2⁻⁵³; four accumulators over blocks of 1024 products, the block
 * sums added with compensation), here about 4e-3 on a sum of about 7e6; the float32 path must miss by far more, or
 * the vectors would not test anything.
 */
class Float64DotTest {

    private static final int N = 3 * (1 << 20) + 12_345;

    @Test
    void matchesACompensatedFloat64ReferenceWhereFloat32SummationLosesDigits() {
        float[] a = new float[N];
        float[] b = new float[N];
        SplittableRandom random = new SplittableRandom(5);
        for (int j = 0; j < N; j++) {
            a[j] = (float) (1 + random.nextDouble());
            b[j] = (float) (1 + random.nextDouble());
        }
        for (int j = 0; j + 1 < N; j += 4096) {
            a[j] = 1e4f;
            b[j] = 1e4f;
            a[j + 1] = 1e4f;
            b[j + 1] = -1e4f;
        }
        double reference = compensatedDot(a, b);
        double unit = Math.ulp(1.0) / 2;
        double bound = (Float64Dot.BLOCK / 4 + 2) * unit * absoluteDot(a, b) + 2 * unit * Math.abs(reference);
        try (NDManager manager = NDManager.newBaseManager()) {
            // a 2-D pair (as a weight matrix) and a 1-D pair (as a long bias): both above the chunk size
            int rows = N / 5;
            float[] a2 = java.util.Arrays.copyOf(a, rows * 5);
            float[] b2 = java.util.Arrays.copyOf(b, rows * 5);
            NDArray x = manager.create(a2, new Shape(rows, 5));
            NDArray y = manager.create(b2, new Shape(rows, 5));
            double twoD = Float64Dot.of(x, y);
            double twoDReference = compensatedDot(a2, b2);
            NDArray u = manager.create(a);
            NDArray v = manager.create(b);
            double oneD = Float64Dot.of(u, v);
            double float32;
            try (NDArray product = u.mul(v);
                    NDArray sum = product.sum()) {
                float32 = sum.getFloat();
            }
            System.out.printf(
                    "reference %.6f, float64 dot %.6f (error %.3g), float32 %.6f (error %.3g), bound %.3g%n",
                    reference, oneD, oneD - reference, float32, float32 - reference, bound);
            assertThat(Math.abs(oneD - reference)).as("1-D, float64").isLessThanOrEqualTo(bound);
            assertThat(Math.abs(twoD - twoDReference)).as("2-D, float64").isLessThanOrEqualTo(bound);
            assertThat(Math.abs(float32 - reference))
                    .as("float32 summation must visibly lose digits here")
                    .isGreaterThan(1000 * bound);
            // the operands stay open and unchanged
            assertThat(u.getFloat(1)).isEqualTo(a[1]);
            assertThat(x.getShape()).isEqualTo(new Shape(rows, 5));
        }
    }

    @Test
    void projectsOneVectorOnSeveralAsSeparateDotProductsWouldInFloat64() {
        SplittableRandom random = new SplittableRandom(9);
        int n = 1000;
        float[] a = new float[n];
        float[][] bs = new float[3][n];
        for (int j = 0; j < n; j++) {
            a[j] = (float) random.nextGaussian();
            for (float[] b : bs) {
                b[j] = (float) random.nextGaussian();
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(a, new Shape(40, 25));
            List<NDArray> ys = java.util.Arrays.stream(bs)
                    .map(b -> manager.create(b, new Shape(40, 25)))
                    .toList();
            double[] dots = Float64Dot.of(x, ys);
            for (int i = 0; i < bs.length; i++) {
                assertThat(dots[i])
                        .as("⟨a, b_%d⟩", i)
                        .isCloseTo(
                                compensatedDot(a, bs[i]),
                                org.assertj.core.data.Offset.offset(1e-12 * absoluteDot(a, bs[i])));
            }
            NDArray wide = x.toType(DataType.FLOAT64, false);
            assertThat(Float64Dot.of(wide, wide))
                    .as("float64 operands are used as they are")
                    .isCloseTo(compensatedDot(a, a), org.assertj.core.data.Offset.offset(1e-12 * absoluteDot(a, a)));
        }
    }

    /** Σ a_j b_j with exact float64 products and Neumaier's compensated summation. */
    private static double compensatedDot(float[] a, float[] b) {
        double sum = 0;
        double compensation = 0;
        for (int j = 0; j < a.length; j++) {
            double term = (double) a[j] * b[j];
            double t = sum + term;
            compensation += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
            sum = t;
        }
        return sum + compensation;
    }

    private static double absoluteDot(float[] a, float[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += Math.abs((double) a[j] * b[j]);
        }
        return sum;
    }
}
