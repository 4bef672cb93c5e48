package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RegMean's Gram matrices against outer products summed here, and its solve against Gauss–Jordan elimination. */
class RegMeanTest {

    @TempDir
    Path dir;

    @Test
    void gramMatricesSumTheOuterProductsOfNonPaddingInputs() {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 1, 17);
        try (BertEncoder encoder = BertEncoder.load(dir.resolve("model-1"), DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 4);
            NDArray[] batch = {
                manager.create(new long[] {2, 5, 7, 9, 3, 4, 1, 1}, shape),
                manager.zeros(shape, DataType.INT64),
                manager.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, shape)
            };
            NDArray[] second = {
                manager.create(new long[] {8, 6, 1, 1, 9, 9, 9, 2}, shape),
                manager.zeros(shape, DataType.INT64),
                manager.create(new long[] {1, 1, 0, 0, 1, 1, 1, 1}, shape)
            };
            List<NDArray[]> batches = List.of(batch, second);
            Map<String, double[]> grams = RegMean.gramMatrices(encoder, batches);
            assertThat(grams).hasSize(2 * 6);
            assertThat(grams.get("encoder.layer.0.attention.self.key"))
                    .as("key shares the query's input")
                    .containsExactly(grams.get("encoder.layer.0.attention.self.query"));
            assertThat(grams.get("encoder.layer.0.attention.self.value"))
                    .containsExactly(grams.get("encoder.layer.0.attention.self.query"));
            String prefix = "encoder.layer.1.intermediate.dense";
            double[] expected = new double[32 * 32];
            encoder.recordLinearInputs((p, input, mask) -> {
                if (!p.equals(prefix)) {
                    return;
                }
                double[] x = input.toDoubleArray();
                long[] m = mask.toLongArray();
                for (int token = 0; token < m.length; token++) {
                    if (m[token] == 0) {
                        continue;
                    }
                    for (int r = 0; r < 32; r++) {
                        for (int c = 0; c < 32; c++) {
                            expected[r * 32 + c] += x[token * 32 + r] * x[token * 32 + c];
                        }
                    }
                }
            });
            for (NDArray[] b : batches) {
                encoder.embed(b[0], b[1], b[2]);
            }
            double[] got = grams.get(prefix);
            for (int j = 0; j < expected.length; j++) {
                assertThat(got[j])
                        .isCloseTo(
                                expected[j], org.assertj.core.data.Offset.offset(1e-9 * (1 + Math.abs(expected[j]))));
            }
            assertThat(grams).hasSize(2 * 6);
        }
    }

    @Test
    void solveMatchesGaussJordanOnTheRegularisedNormalEquations() {
        int in = 6;
        int out = 4;
        double r = 0.7;
        Random random = new Random(9);
        double[][] g = new double[2][];
        float[][] w = new float[2][];
        for (int i = 0; i < 2; i++) {
            double[] m = random.doubles(in * in, -1, 1).toArray();
            g[i] = new double[in * in];
            for (int a = 0; a < in; a++) {
                for (int b = 0; b < in; b++) {
                    for (int k = 0; k < in; k++) {
                        g[i][a * in + b] += m[k * in + a] * m[k * in + b];
                    }
                }
            }
            w[i] = new float[out * in];
            for (int j = 0; j < w[i].length; j++) {
                w[i][j] = (float) random.nextGaussian();
            }
        }
        float[] merged = RegMean.solve(List.of(g[0], g[1]), List.of(w[0], w[1]), in, out, r);

        // A = Σ G̃_i, B = Σ G̃_i W_iᵀ; solve A X = B by Gauss–Jordan; W_m = Xᵀ
        double[][] augmented = new double[in][in + out];
        for (int i = 0; i < 2; i++) {
            for (int a = 0; a < in; a++) {
                for (int b = 0; b < in; b++) {
                    double reduced = a == b ? g[i][a * in + b] : r * g[i][a * in + b];
                    augmented[a][b] += reduced;
                    for (int o = 0; o < out; o++) {
                        augmented[a][in + o] += reduced * w[i][o * in + b];
                    }
                }
            }
        }
        for (int col = 0; col < in; col++) {
            int pivot = col;
            for (int row = col + 1; row < in; row++) {
                if (Math.abs(augmented[row][col]) > Math.abs(augmented[pivot][col])) {
                    pivot = row;
                }
            }
            double[] tmp = augmented[col];
            augmented[col] = augmented[pivot];
            augmented[pivot] = tmp;
            double p = augmented[col][col];
            for (int k = 0; k < in + out; k++) {
                augmented[col][k] /= p;
            }
            for (int row = 0; row < in; row++) {
                if (row != col) {
                    double f = augmented[row][col];
                    for (int k = 0; k < in + out; k++) {
                        augmented[row][k] -= f * augmented[col][k];
                    }
                }
            }
        }
        for (int o = 0; o < out; o++) {
            for (int a = 0; a < in; a++) {
                double expected = augmented[a][in + o];
                assertThat((double) merged[o * in + a])
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(expected))));
            }
        }
    }
}
