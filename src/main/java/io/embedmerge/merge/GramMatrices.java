package io.embedmerge.merge;

import java.util.HashMap;
import java.util.Map;

/** G_ij = ⟨V_i, V_j⟩ of the float32 task vectors, per tensor and for the whole model, accumulated in float64. */
final class GramMatrices {

    private final Map<Integer, double[][]> perTensor;
    private final double[][] model;

    private GramMatrices(Map<Integer, double[][]> perTensor, double[][] model) {
        this.perTensor = perTensor;
        this.model = model;
    }

    static GramMatrices compute(InputScan inputs, int n) {
        Map<Integer, double[][]> perTensor = new HashMap<>();
        double[][] model = new double[n][n];
        float[][] v = new float[n][MergeExecutor.CHUNK_ELEMENTS];
        inputs.forEachChunk("gram", (tensor, first, base, models, count) -> {
            double[][] g = perTensor.computeIfAbsent(tensor.index(), k -> new double[n][n]);
            for (int i = 0; i < n; i++) {
                TaskVector.of(base, models[i], v[i], count);
            }
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double dot = dot(v[i], v[j], count);
                    g[i][j] += dot;
                    if (i != j) {
                        g[j][i] += dot;
                    }
                }
            }
        });
        for (double[][] g : perTensor.values()) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    model[i][j] += g[i][j];
                }
            }
        }
        return new GramMatrices(perTensor, model);
    }

    private static double dot(float[] a, float[] b, int count) {
        double sum = 0;
        for (int j = 0; j < count; j++) {
            sum += (double) a[j] * b[j];
        }
        return sum;
    }

    double[][] model() {
        return model;
    }

    double[][] of(MergeTensor tensor) {
        return perTensor.getOrDefault(tensor.index(), new double[model.length][model.length]);
    }
}
