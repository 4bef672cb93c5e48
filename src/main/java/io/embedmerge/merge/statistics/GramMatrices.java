package io.embedmerge.merge.statistics;

import io.embedmerge.merge.InputScan;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.execution.ChunkRanges;
import io.embedmerge.merge.kernels.TaskVector;
import io.embedmerge.tensor.DotProducts;
import java.util.HashMap;
import java.util.Map;

/** G_ij = ⟨V_i, V_j⟩ of the float32 task vectors, per tensor and for the whole model, accumulated in float64. */
public final class GramMatrices {

    private final Map<Integer, double[][]> perTensor;
    private final double[][] model;

    private GramMatrices(Map<Integer, double[][]> perTensor, double[][] model) {
        this.perTensor = perTensor;
        this.model = model;
    }

    public static GramMatrices compute(InputScan inputs, int n) {
        return compute(inputs, n, Vectors.TASK_VECTORS);
    }

    /** G_ij = ⟨θ_i, θ_j⟩ of the models' own float32 values (no base subtracted), per tensor and for the whole model. */
    public static GramMatrices computeRaw(InputScan inputs, int n) {
        return compute(inputs, n, Vectors.MODELS);
    }

    /**
     * G_ij = ⟨x_i, x_j⟩ of the raw float32 values with x_0 the base and x_{i+1} models[i] ({@code n} models, so
     * (n+1)×(n+1)), per tensor and for the whole model.
     */
    public static GramMatrices computeRawWithBase(InputScan inputs, int n) {
        return compute(inputs, n + 1, Vectors.BASE_AND_MODELS);
    }

    /** Which vectors a Gram matrix is of. */
    private enum Vectors {
        TASK_VECTORS,
        MODELS,
        BASE_AND_MODELS
    }

    private static GramMatrices compute(InputScan inputs, int n, Vectors vectors) {
        Map<Integer, double[][]> perTensor = new HashMap<>();
        double[][] model = new double[n][n];
        float[][] v = new float[n][inputs.chunkElements()];
        double[][][] partial = new double[ChunkRanges.PARTS][n][n];
        String pass = switch (vectors) {
            case TASK_VECTORS -> "gram";
            case MODELS -> "gram-raw";
            case BASE_AND_MODELS -> "gram-raw-base";
        };
        inputs.forEachChunk(pass, (tensor, first, base, models, count) -> {
            double[][] g = perTensor.computeIfAbsent(tensor.index(), k -> new double[n][n]);
            ChunkRanges.forEach(count, (part, from, to) -> {
                for (int i = 0; i < n; i++) {
                    switch (vectors) {
                        case TASK_VECTORS -> TaskVector.of(base, models[i], v[i], from, to);
                        case MODELS -> System.arraycopy(models[i], from, v[i], from, to - from);
                        case BASE_AND_MODELS ->
                            System.arraycopy(i == 0 ? base : models[i - 1], from, v[i], from, to - from);
                    }
                }
                for (int i = 0; i < n; i++) {
                    for (int j = i; j < n; j++) {
                        partial[part][i][j] = DotProducts.of(v[i], v[j], from, to);
                    }
                }
            });
            for (double[][] p : partial) {
                for (int i = 0; i < n; i++) {
                    for (int j = i; j < n; j++) {
                        g[i][j] += p[i][j];
                        if (i != j) {
                            g[j][i] += p[i][j];
                        }
                        p[i][j] = 0;
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

    public double[][] model() {
        return model;
    }

    public double[][] of(MergeTensor tensor) {
        return perTensor.getOrDefault(tensor.index(), new double[model.length][model.length]);
    }
}
