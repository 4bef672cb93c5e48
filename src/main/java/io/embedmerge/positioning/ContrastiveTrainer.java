package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.Autograd;
import io.embedmerge.tensor.ComputeDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fine-tuning of every encoder parameter: InfoNCE (in-batch and given negatives) or CoSENT, AdamW (decoupled weight
 * decay 0.01), linear warm-up over {@code warmupRatio} of the steps then linear decay to zero.
 */
public final class ContrastiveTrainer {

    /** InfoNCE on (query, positive[, negatives]) pairs, or CoSENT on scored pairs. */
    public enum Objective {
        INFONCE,
        COSENT
    }

    /** Hyper-parameters; CoSENT's scale is 1/temperature (20 at the default 0.05, CoSENT's usual scale). */
    public record Settings(
            int steps,
            int batchSize,
            double learningRate,
            double warmupRatio,
            double temperature,
            long seed,
            Objective objective) {

        public Settings(
                int steps, int batchSize, double learningRate, double warmupRatio, double temperature, long seed) {
            this(steps, batchSize, learningRate, warmupRatio, temperature, seed, Objective.INFONCE);
        }
    }

    private ContrastiveTrainer() {}

    /** The objective's loss of one batch. */
    public static NDArray loss(BertEncoder encoder, List<TextPair> batch, Settings settings, NDManager scope) {
        if (settings.objective() == Objective.COSENT) {
            batch.stream().filter(p -> p.score() == null).findFirst().ifPresent(p -> {
                throw new IllegalArgumentException(
                        "CoSENT needs scored pairs (STS data); '" + p.query() + "' has no score");
            });
        }
        return ProbeBatch.of(encoder, batch, scope).loss(encoder, settings.objective(), settings.temperature());
    }

    /** One dataset of a mixture and the objective its batches are scored by. */
    public record Part(List<TextPair> pairs, Objective objective) {}

    /** Each step's loss and the index of the part its batch came from. */
    public record MixtureCurve(List<Double> losses, List<Integer> parts) {}

    /** Trains in place; returns the loss of every step. */
    public static List<Double> train(
            BertEncoder encoder, List<TextPair> pairs, Settings settings, SelfPositioning.StepListener listener) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("the training data has no pairs");
        }
        PairBatches batches = new PairBatches(pairs, settings.batchSize(), settings.seed());
        return optimize(
                encoder,
                settings,
                () -> new MixedBatches.Batch(0, batches.next()),
                List.of(settings),
                listener,
                new ArrayList<>());
    }

    /**
     * Trains in place on parts with different objectives: every batch from one part ({@link MixedBatches}, seeded
     * by {@code settings.seed()}), scored by that part's objective; {@code settings.objective()} is not used.
     */
    public static MixtureCurve trainMixture(
            BertEncoder encoder, List<Part> parts, Settings settings, SelfPositioning.StepListener listener) {
        MixedBatches batches =
                new MixedBatches(parts.stream().map(Part::pairs).toList(), settings.batchSize(), settings.seed());
        List<Settings> perPart = parts.stream()
                .map(part -> new Settings(
                        settings.steps(),
                        settings.batchSize(),
                        settings.learningRate(),
                        settings.warmupRatio(),
                        settings.temperature(),
                        settings.seed(),
                        part.objective()))
                .toList();
        List<Integer> sources = new ArrayList<>();
        List<Double> losses = optimize(encoder, settings, batches::next, perPart, listener, sources);
        return new MixtureCurve(losses, sources);
    }

    private static List<Double> optimize(
            BertEncoder encoder,
            Settings settings,
            Supplier<MixedBatches.Batch> batches,
            List<Settings> perPart,
            SelfPositioning.StepListener listener,
            List<Integer> sources) {
        Map<String, NDArray> parameters = encoder.parameters();
        Map<String, NDArray[]> moments = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            p.setRequiresGradient(true);
            moments.put(name, new NDArray[] {p.zerosLike(), p.zerosLike()});
        });
        int warmup = (int) Math.ceil(settings.warmupRatio() * settings.steps());
        List<Double> losses = new ArrayList<>();
        double beta1 = 0.9;
        double beta2 = 0.999;
        for (int step = 1; step <= settings.steps(); step++) {
            MixedBatches.Batch batch = batches.get();
            Settings scoring = perPart.get(batch.dataset());
            double rate = settings.learningRate()
                    * (step <= warmup
                            ? (double) step / Math.max(1, warmup)
                            : Math.max(
                                    0,
                                    (double) (settings.steps() - step + 1) / Math.max(1, settings.steps() - warmup)));
            double loss;
            try (NDManager scope = ComputeDevice.newManager()) {
                loss = Autograd.gradients(parameters.values(), () -> loss(encoder, batch.pairs(), scoring, scope));
            }
            double correction1 = 1 - Math.pow(beta1, step);
            double correction2 = 1 - Math.pow(beta2, step);
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray p = e.getValue();
                NDArray g = Autograd.gradientOrNull(p);
                if (g == null) {
                    continue; // the loss never read it (a BGE pooler): torch.optim.AdamW leaves such parameters alone
                }
                NDArray[] m = moments.get(e.getKey());
                // every temporary is closed, the gradient handle too (it would keep the gradient alive): the
                // parameters' manager lives as long as the encoder
                try (g;
                        NDArray first = g.mul(1 - beta1);
                        NDArray squared = g.square();
                        NDArray second = squared.mul(1 - beta2)) {
                    m[0].muli(beta1).addi(first);
                    m[1].muli(beta2).addi(second);
                }
                try (NDArray mHat = m[0].div(correction1);
                        NDArray vHat = m[1].div(correction2);
                        NDArray root = vHat.sqrt();
                        NDArray denominator = root.add(1e-8);
                        NDArray update = mHat.div(denominator);
                        NDArray change = update.mul(rate)) {
                    // in place under no-grad, as torch.optim does
                    Autograd.withoutGradients(() -> p.muli(1 - rate * 0.01).subi(change));
                }
            }
            losses.add(loss);
            sources.add(batch.dataset());
            listener.stepDone(step, settings.steps(), loss);
        }
        return losses;
    }
}
