package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.Autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The diagonal Fisher of an encoder on probe pairs (merge-methods.md, fisher):
 * F = (1/B) Σ_batches (∇θ L_CL(θ; batch))², one value per parameter entry.
 */
public final class FisherInformation {

    private FisherInformation() {
    }

    /** Over the first {@code examples} pairs of a seeded shuffle, in batches of {@code batchSize}. */
    public static Map<String, float[]> diagonal(BertEncoder encoder, List<TextPair> pairs, int examples, int batchSize,
                                                double temperature, long seed) {
        List<TextPair> order = new ArrayList<>(pairs);
        Collections.shuffle(order, new Random(seed));
        List<TextPair> used = order.subList(0, Math.min(examples, order.size()));
        try (NDManager scope = NDManager.newBaseManager()) {
            List<ProbeBatch> batches = new ArrayList<>();
            for (int start = 0; start < used.size(); start += batchSize) {
                List<TextPair> slice = used.subList(start, Math.min(used.size(), start + batchSize));
                batches.add(ProbeBatch.of(encoder, slice, scope));
            }
            return diagonal(encoder, batches, temperature);
        }
    }

    /** Over the given batches. */
    public static Map<String, float[]> diagonal(BertEncoder encoder, List<ProbeBatch> batches, double temperature) {
        Map<String, NDArray> parameters = encoder.parameters();
        parameters.values().forEach(p -> p.setRequiresGradient(true));
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (ProbeBatch batch : batches) {
            Autograd.gradients(parameters.values(), () -> batch.contrastiveLoss(encoder, temperature));
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                try (NDArray gradient = e.getValue().getGradient(); NDArray squared = gradient.square();
                     NDArray wide = squared.toType(DataType.FLOAT64, false)) {
                    double[] values = wide.toDoubleArray();
                    double[] sum = sums.computeIfAbsent(e.getKey(), k -> new double[values.length]);
                    for (int j = 0; j < values.length; j++) {
                        sum[j] += values[j];
                    }
                }
            }
        }
        Map<String, float[]> fisher = new LinkedHashMap<>();
        int b = Math.max(1, batches.size());
        sums.forEach((name, sum) -> {
            float[] f = new float[sum.length];
            for (int j = 0; j < f.length; j++) {
                f[j] = (float) (sum[j] / b);
                if (!Float.isFinite(f[j])) {
                    // a NaN or infinite weight would turn the merged tensor into NaN: fail instead of writing it
                    throw new IllegalStateException("the Fisher diagonal of '" + name + "' has a non-finite entry ("
                            + f[j] + " at " + j + "): the probe's gradients overflowed or were undefined");
                }
            }
            fisher.put(name, f);
        });
        return fisher;
    }
}
