package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.model.BatchListener;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.ComputeDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RegMean (merge-methods.md): for every Linear layer y = x Wᵀ + b, G_i = X_iᵀ X_i over the non-padding tokens of
 * model i on its probe data, G̃_i = r·G_i + (1−r)·diag(G_i), and W_mᵀ = (Σ_i G̃_i)⁻¹ Σ_i G̃_i W_iᵀ, solved in float64.
 */
public final class RegMean {

    private RegMean() {}

    /**
     * The running sums G = XᵀX of one model's probe pass, one [in × in] float64 matrix per Linear layer, kept in the
     * engine; layers fed the same input (query, key and value) share one. {@link #matrix} copies one to the heap.
     */
    public static final class Grams implements AutoCloseable {

        private final NDManager manager = ComputeDevice.newManager();
        private final Map<String, NDArray> sums = new LinkedHashMap<>();

        /** The Linear layers in the order of the forward pass. */
        public List<String> prefixes() {
            return List.copyOf(sums.keySet());
        }

        /** G of one layer, row-major. */
        public double[] matrix(String prefix) {
            return sums.get(prefix).toDoubleArray();
        }

        /** The number of inputs of one layer (G is that size squared). */
        public long inputSize(String prefix) {
            return sums.get(prefix).getShape().get(0);
        }

        private void add(String prefix, NDArray gram) {
            NDArray sum = sums.get(prefix);
            if (sum == null) {
                NDArray first = gram.duplicate();
                first.attach(manager);
                sums.put(prefix, first);
            } else {
                sum.addi(gram);
            }
        }

        private void share(String prefix, String with) {
            sums.putIfAbsent(prefix, sums.get(with));
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** G per Linear layer over the texts of the first {@code examples} pairs of a seeded shuffle. */
    public static Grams accumulate(
            BertEncoder encoder, List<TextPair> pairs, int examples, int batchSize, long seed, BatchListener progress) {
        return accumulate(
                encoder, List.of(WeightedProbe.infonce("probe", pairs).sample(examples, seed)), batchSize, progress);
    }

    /**
     * G per Linear layer over the union of the parts' examples (each part's pairs already sampled; objectives and
     * weights do not enter: G sums XᵀX over every text), the texts in part order, in batches of {@code batchSize}.
     */
    public static Grams accumulate(
            BertEncoder encoder, List<WeightedProbe> parts, int batchSize, BatchListener progress) {
        List<String> texts = new ArrayList<>();
        for (WeightedProbe part : parts) {
            for (TextPair p : part.pairs()) {
                texts.add(p.query());
                texts.add(p.positive());
                texts.addAll(p.negatives());
            }
        }
        try (NDManager scope = ComputeDevice.newManager()) {
            List<NDArray[]> batches = new ArrayList<>();
            for (int start = 0; start < texts.size(); start += batchSize) {
                batches.add(encoder.tokenize(texts.subList(start, Math.min(texts.size(), start + batchSize)), scope));
            }
            return accumulate(encoder, batches, progress);
        }
    }

    /** G per Linear layer over token batches ([ids, types, mask], each [batch, length]). */
    public static Grams accumulate(BertEncoder encoder, List<NDArray[]> batches, BatchListener progress) {
        Grams grams = new Grams();
        NDArray[] previousInput = new NDArray[1];
        String[] previousPrefix = new String[1];
        encoder.recordLinearInputs((prefix, input, mask) -> {
            if (input == previousInput[0]) {
                grams.share(prefix, previousPrefix[0]);
                return;
            }
            previousInput[0] = input;
            previousPrefix[0] = prefix;
            long in = input.getShape().get(2);
            try (NDManager scope = input.getManager().newSubManager()) {
                NDArray masked = input.mul(
                                mask.toType(input.getDataType(), false).expandDims(2))
                        .reshape(-1, in);
                masked.attach(scope);
                NDArray gram = masked.transpose().matMul(masked).toType(DataType.FLOAT64, false);
                gram.attach(scope);
                grams.add(prefix, gram);
            }
        });
        try {
            for (int done = 0; done < batches.size(); done++) {
                NDArray[] batch = batches.get(done);
                try (NDManager scope = ComputeDevice.newManager()) {
                    NDArray[] inputs = {batch[0].duplicate(), batch[1].duplicate(), batch[2].duplicate()};
                    for (NDArray input : inputs) {
                        input.attach(scope);
                    }
                    encoder.embed(inputs[0], inputs[1], inputs[2]);
                }
                progress.batchDone(done + 1, batches.size());
            }
        } catch (RuntimeException e) {
            grams.close();
            throw e;
        } finally {
            encoder.recordLinearInputs(null);
        }
        return grams;
    }

    /** G per Linear layer, copied to the heap (small models and tests). */
    public static Map<String, double[]> gramMatrices(
            BertEncoder encoder, List<TextPair> pairs, int examples, int batchSize, long seed) {
        try (Grams grams = accumulate(encoder, pairs, examples, batchSize, seed, BatchListener.NONE)) {
            return onHeap(grams);
        }
    }

    /** G per Linear layer over token batches, copied to the heap. */
    public static Map<String, double[]> gramMatrices(BertEncoder encoder, List<NDArray[]> batches) {
        try (Grams grams = accumulate(encoder, batches, BatchListener.NONE)) {
            return onHeap(grams);
        }
    }

    private static Map<String, double[]> onHeap(Grams grams) {
        Map<String, double[]> copies = new LinkedHashMap<>();
        grams.prefixes().forEach(prefix -> copies.put(prefix, grams.matrix(prefix)));
        return copies;
    }

    /**
     * The merged weight [out, in] of one Linear layer.
     *
     * @param grams   G_i per model, [in × in] row-major
     * @param weights W_i per model, [out × in] row-major
     * @param ratio   r, the share of the off-diagonal part kept (reduceNonDiagonalRatio)
     */
    public static float[] solve(List<double[]> grams, List<float[]> weights, int in, int out, double ratio) {
        try (NDManager manager = ComputeDevice.newManager()) {
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
