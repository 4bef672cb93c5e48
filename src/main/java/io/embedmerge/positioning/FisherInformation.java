package io.embedmerge.positioning;

import io.embedmerge.tensor.ComputeDevice;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.model.BatchListener;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.Autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * The diagonal Fisher of an encoder on probe pairs (merge-methods.md, fisher):
 * F = (1/B) Σ_batches (∇θ L_CL(θ; batch))², one value per parameter entry.
 */
public final class FisherInformation {

    private FisherInformation() {
    }

    /** Over the first {@code examples} pairs of a seeded shuffle, in batches of {@code batchSize}; see below. */
    public static void diagonal(BertEncoder encoder, List<TextPair> pairs, int examples, int batchSize,
                                double temperature, long seed, BatchListener progress,
                                BiConsumer<String, float[]> sink) {
        List<TextPair> order = new ArrayList<>(pairs);
        Collections.shuffle(order, new Random(seed));
        List<TextPair> used = order.subList(0, Math.min(examples, order.size()));
        try (NDManager scope = ComputeDevice.newManager()) {
            List<ProbeBatch> batches = new ArrayList<>();
            for (int start = 0; start < used.size(); start += batchSize) {
                List<TextPair> slice = used.subList(start, Math.min(used.size(), start + batchSize));
                batches.add(ProbeBatch.of(encoder, slice, scope));
            }
            diagonal(encoder, batches, temperature, progress, sink);
        }
    }

    /** Over the given batches, collected in memory (for small models and tests). */
    public static Map<String, float[]> diagonal(BertEncoder encoder, List<ProbeBatch> batches, double temperature) {
        Map<String, float[]> fisher = new LinkedHashMap<>();
        diagonal(encoder, batches, temperature, BatchListener.NONE, fisher::put);
        return fisher;
    }

    /**
     * Over the given batches; hands each parameter's diagonal to {@code sink} in the order of
     * {@code encoder.parameters()}. The running sums stay in the engine, so the Java heap holds one tensor at a time.
     */
    public static void diagonal(BertEncoder encoder, List<ProbeBatch> batches, double temperature,
                                BatchListener progress, BiConsumer<String, float[]> sink) {
        Map<String, NDArray> parameters = encoder.parameters();
        parameters.values().forEach(p -> p.setRequiresGradient(true));
        Map<String, NDArray> sums = new LinkedHashMap<>();
        try {
            for (int done = 0; done < batches.size(); done++) {
                ProbeBatch batch = batches.get(done);
                Autograd.gradients(parameters.values(), () -> batch.contrastiveLoss(encoder, temperature));
                for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                    try (NDArray gradient = e.getValue().getGradient()) {
                        NDArray squared = gradient.square();
                        NDArray sum = sums.putIfAbsent(e.getKey(), squared);
                        if (sum != null) {
                            sum.addi(squared);
                            squared.close();
                        }
                    }
                }
                progress.batchDone(done + 1, batches.size());
            }
            int b = Math.max(1, batches.size());
            for (Map.Entry<String, NDArray> e : sums.entrySet()) {
                String name = e.getKey();
                float[] f;
                try (NDArray mean = e.getValue().div(b); NDArray narrow = mean.toType(DataType.FLOAT32, false)) {
                    f = narrow.toFloatArray();
                }
                for (int j = 0; j < f.length; j++) {
                    if (!Float.isFinite(f[j])) {
                        // a NaN or infinite weight would turn the merged tensor into NaN: fail instead of writing it
                        throw new IllegalStateException("the Fisher diagonal of '" + name + "' has a non-finite entry ("
                                + f[j] + " at " + j + "): the probe's gradients overflowed or were undefined");
                    }
                }
                sink.accept(name, f);
            }
        } finally {
            sums.values().forEach(NDArray::close);
        }
    }
}
