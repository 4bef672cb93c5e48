package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.model.BertEncoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * RegMean (merge-methods.md): for every Linear layer y = x Wᵀ + b, G_i = X_iᵀ X_i over the non-padding tokens of
 * model i on its probe data, G̃_i = r·G_i + (1−r)·diag(G_i), and W_mᵀ = (Σ_i G̃_i)⁻¹ Σ_i G̃_i W_iᵀ, solved in float64.
 */
public final class RegMean {

    private RegMean() {
    }

    /** G = XᵀX (float64, row-major [in × in]) per Linear layer prefix, over the texts of the pairs. */
    public static Map<String, double[]> gramMatrices(BertEncoder encoder, List<TextPair> pairs, int examples,
                                                     int batchSize, long seed, BatchListener progress) {
        List<TextPair> order = new ArrayList<>(pairs);
        Collections.shuffle(order, new Random(seed));
        List<String> texts = new ArrayList<>();
        for (TextPair p : order.subList(0, Math.min(examples, order.size()))) {
            texts.add(p.query());
            texts.add(p.positive());
            texts.addAll(p.negatives());
        }
        try (NDManager scope = NDManager.newBaseManager()) {
            List<NDArray[]> batches = new ArrayList<>();
            for (int start = 0; start < texts.size(); start += batchSize) {
                batches.add(encoder.tokenize(texts.subList(start, Math.min(texts.size(), start + batchSize)), scope));
            }
            return gramMatrices(encoder, batches, progress);
        }
    }

    /**
     * G = XᵀX per Linear layer over token batches ([ids, types, mask], each [batch, length]). Layers fed the same
     * input (query, key and value) share one matrix, computed once.
     */
    public static Map<String, double[]> gramMatrices(BertEncoder encoder, List<NDArray[]> batches,
                                                     BatchListener progress) {
        Map<String, double[]> grams = new LinkedHashMap<>();
        NDArray[] previousInput = new NDArray[1];
        String[] previousPrefix = new String[1];
        encoder.recordLinearInputs((prefix, input, mask) -> {
            if (input == previousInput[0]) {
                grams.putIfAbsent(prefix, grams.get(previousPrefix[0]));
                return;
            }
            previousInput[0] = input;
            previousPrefix[0] = prefix;
            long in = input.getShape().get(2);
            try (NDManager scope = input.getManager().newSubManager()) {
                NDArray masked = input.mul(mask.toType(input.getDataType(), false).expandDims(2)).reshape(-1, in);
                masked.attach(scope);
                NDArray gram = masked.transpose().matMul(masked).toType(DataType.FLOAT64, false);
                gram.attach(scope);
                double[] values = gram.toDoubleArray();
                double[] sum = grams.computeIfAbsent(prefix, k -> new double[values.length]);
                for (int j = 0; j < values.length; j++) {
                    sum[j] += values[j];
                }
            }
        });
        try {
            for (int done = 0; done < batches.size(); done++) {
                NDArray[] batch = batches.get(done);
                try (NDManager scope = NDManager.newBaseManager()) {
                    NDArray[] inputs = {batch[0].duplicate(), batch[1].duplicate(), batch[2].duplicate()};
                    for (NDArray input : inputs) {
                        input.attach(scope);
                    }
                    encoder.embed(inputs[0], inputs[1], inputs[2]);
                }
                progress.batchDone(done + 1, batches.size());
            }
        } finally {
            encoder.recordLinearInputs(null);
        }
        return grams;
    }

    /**
     * The merged weight [out, in] of one Linear layer.
     *
     * @param grams   G_i per model, [in × in] row-major
     * @param weights W_i per model, [out × in] row-major
     * @param ratio   r, the share of the off-diagonal part kept (reduceNonDiagonalRatio)
     */
    public static float[] solve(List<double[]> grams, List<float[]> weights, int in, int out, double ratio) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.zeros(new Shape(in, in), DataType.FLOAT64);
            NDArray b = manager.zeros(new Shape(in, out), DataType.FLOAT64);
            for (int i = 0; i < grams.size(); i++) {
                double[] g = grams.get(i).clone();
                for (int r = 0; r < in; r++) {
                    for (int c = 0; c < in; c++) {
                        if (r != c) {
                            g[r * in + c] *= ratio;
                        }
                    }
                }
                NDArray reduced = manager.create(g, new Shape(in, in));
                double[] w = new double[weights.get(i).length];
                for (int j = 0; j < w.length; j++) {
                    w[j] = weights.get(i)[j];
                }
                NDArray transposed = manager.create(w, new Shape(out, in)).transpose();
                a.addi(reduced);
                b.addi(reduced.matMul(transposed));
            }
            double[] solution = a.inverse().matMul(b).transpose().toDoubleArray();
            float[] merged = new float[solution.length];
            for (int j = 0; j < merged.length; j++) {
                merged[j] = (float) solution[j];
            }
            return merged;
        }
    }
}
