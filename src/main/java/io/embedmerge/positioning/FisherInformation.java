package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.model.BatchListener;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.Autograd;
import io.embedmerge.tensor.ComputeDevice;
import io.embedmerge.tensor.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The diagonal Fisher of an encoder on probe pairs (merge-methods.md, fisher):
 * F = (1/B) Σ_batches (∇θ L(θ; batch))², one value per parameter entry; L is InfoNCE, or for a probe mixture
 * Σ_k w_k L_k over one batch of every part.
 */
public final class FisherInformation {

    private FisherInformation() {}

    /** Over the first {@code examples} pairs of a seeded shuffle, in batches of {@code batchSize}; see below. */
    public static void diagonal(
            BertEncoder encoder,
            List<TextPair> pairs,
            int examples,
            int batchSize,
            double temperature,
            long seed,
            BatchListener progress,
            BiConsumer<String, float[]> sink) {
        diagonal(
                encoder,
                List.of(WeightedProbe.infonce("probe", pairs).sample(examples, seed)),
                batchSize,
                temperature,
                progress,
                sink);
    }

    /**
     * Over a probe mixture, each part's pairs (already sampled) in batches of {@code batchSize} taken in order: the
     * loss of Fisher batch b is Σ_k w_k L_k(part k's batch b mod B_k), B_k the part's batch count, for
     * b < max_k B_k (a part with fewer batches repeats them). One InfoNCE part of weight 1 is exactly the plain case.
     */
    public static void diagonal(
            BertEncoder encoder,
            List<WeightedProbe> parts,
            int batchSize,
            double temperature,
            BatchListener progress,
            BiConsumer<String, float[]> sink) {
        try (NDManager scope = ComputeDevice.newManager()) {
            List<List<ProbeBatch>> perPart = new ArrayList<>();
            int count = 0;
            for (WeightedProbe part : parts) {
                List<ProbeBatch> batches = new ArrayList<>();
                List<TextPair> used = part.pairs();
                for (int start = 0; start < used.size(); start += batchSize) {
                    batches.add(ProbeBatch.of(
                            encoder, used.subList(start, Math.min(used.size(), start + batchSize)), scope));
                }
                perPart.add(batches);
                count = Math.max(count, batches.size());
            }
            List<BiFunction<BertEncoder, NDManager, NDArray>> losses = new ArrayList<>();
            for (int b = 0; b < count; b++) {
                int index = b;
                losses.add((model, step) -> {
                    NDArray total = null;
                    for (int k = 0; k < parts.size(); k++) {
                        List<ProbeBatch> batches = perPart.get(k);
                        if (batches.isEmpty()) {
                            continue;
                        }
                        WeightedProbe part = parts.get(k);
                        NDArray loss = batches.get(index % batches.size())
                                .copyTo(step)
                                .loss(model, part.objective(), temperature);
                        NDArray term = part.weight() == 1.0 ? loss : Scalars.times(loss, part.weight());
                        total = total == null ? term : total.add(term);
                    }
                    return total;
                });
            }
            squaredGradients(encoder, losses, progress, sink);
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
    public static void diagonal(
            BertEncoder encoder,
            List<ProbeBatch> batches,
            double temperature,
            BatchListener progress,
            BiConsumer<String, float[]> sink) {
        squaredGradients(
                encoder,
                batches.stream()
                        .<BiFunction<BertEncoder, NDManager, NDArray>>map(
                                batch -> (model, scope) -> batch.copyTo(scope).contrastiveLoss(model, temperature))
                        .toList(),
                progress,
                sink);
    }

    /**
     * F = (1/B) Σ_b (∇θ loss_b)² over the given losses, handed to {@code sink} parameter by parameter. Each loss is
     * built in a scope of its own (its batch copied there), so a pass's arrays are freed after its backward pass.
     */
    private static void squaredGradients(
            BertEncoder encoder,
            List<BiFunction<BertEncoder, NDManager, NDArray>> losses,
            BatchListener progress,
            BiConsumer<String, float[]> sink) {
        Map<String, NDArray> parameters = encoder.parameters();
        parameters.values().forEach(p -> p.setRequiresGradient(true));
        Map<String, NDArray> sums = new LinkedHashMap<>();
        try {
            for (int done = 0; done < losses.size(); done++) {
                BiFunction<BertEncoder, NDManager, NDArray> loss = losses.get(done);
                try (NDManager step = ComputeDevice.newManager()) {
                    Autograd.gradients(parameters.values(), () -> loss.apply(encoder, step));
                }
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
                progress.batchDone(done + 1, losses.size());
            }
            int b = Math.max(1, losses.size());
            for (Map.Entry<String, NDArray> e : sums.entrySet()) {
                String name = e.getKey();
                float[] f;
                try (NDArray mean = e.getValue().div(b);
                        NDArray narrow = mean.toType(DataType.FLOAT32, false)) {
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
