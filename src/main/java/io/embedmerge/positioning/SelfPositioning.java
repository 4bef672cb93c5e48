package io.embedmerge.positioning;

import ai.djl.ndarray.NDManager;
import io.embedmerge.merge.statistics.SlerpCoefficients;
import io.embedmerge.tensor.ComputeDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns the merge coefficients (a_1..a_N, λ) of every group by Adam on the probe parts (merge-methods.md,
 * self_positioning). Each step draws one batch of {@code batchSize} pairs from every part (part k from its own
 * seeded stream, seed + k) and minimises Σ_k w_k L_k + penalty. With {@link Settings#normalizeParts()} each part's
 * loss is divided by L_k⁰, its own mean loss at the starting point over its first {@link #REFERENCE_BATCHES}
 * batches, so the objective is Σ_k w_k L_k / L_k⁰ + penalty: every part starts at w_k whatever the scale of its loss
 * (InfoNCE on easy pairs ~1e-4, CoSENT ~5). The scalars stay positive through a softplus parametrisation:
 * a_i = softplus(α_i), λ = softplus(β).
 */
public final class SelfPositioning {

    /** Batches of the initial point that set L₀ of the relative penalty and each part's L_k⁰ of the normalisation. */
    static final int REFERENCE_BATCHES = 4;

    /** Told after every step (of a search or of fine-tuning). */
    @FunctionalInterface
    public interface StepListener {
        void stepDone(int step, int steps, double loss);
    }

    /** How the penalty on λ is scaled. */
    public enum Penalty {
        /** μ·λ, the paper's */
        ABSOLUTE,
        /** μ·λ·L₀, L₀ the probe loss at the starting point */
        RELATIVE
    }

    /**
     * Hyper-parameters of the search.
     *
     * @param normalizeParts divide each part's loss by its starting loss L_k⁰ (the objective Σ_k w_k L_k / L_k⁰)
     */
    public record Settings(
            int steps,
            int batchSize,
            double learningRate,
            double initLambda,
            long seed,
            double mu,
            Penalty penalty,
            int validateEvery,
            int patience,
            boolean normalizeParts) {

        /** Without the per-part normalisation (Σ_k w_k L_k). */
        public Settings(
                int steps,
                int batchSize,
                double learningRate,
                double initLambda,
                long seed,
                double mu,
                Penalty penalty,
                int validateEvery,
                int patience) {
            this(steps, batchSize, learningRate, initLambda, seed, mu, penalty, validateEvery, patience, false);
        }
    }

    /** One group's learned coefficients: a_i, λ, the slerp steps t_k and U_N's coefficients c_i. */
    public record GroupOutcome(String name, double[] weights, double lambda, double[] t, double[] c) {}

    /**
     * What the search learned (at the chosen step), its objective per step, each part's loss per step (by label,
     * unweighted and unnormalised), the validation checks (null without validation), L₀ (null with the absolute
     * penalty) and each part's L_k⁰ by label (null without the per-part normalisation).
     */
    public record Outcome(
            List<GroupOutcome> groups,
            List<Double> lossCurve,
            Map<String, List<Double>> partLossCurves,
            Validation validation,
            Double penaltyReference,
            Map<String, Double> partReferences) {

        public Outcome(
                List<GroupOutcome> groups,
                List<Double> lossCurve,
                Map<String, List<Double>> partLossCurves,
                Validation validation,
                Double penaltyReference) {
            this(groups, lossCurve, partLossCurves, validation, penaltyReference, null);
        }
    }

    /** The validation checks: after which steps, their losses, the step whose coefficients were kept, the last step. */
    public record Validation(List<Integer> steps, List<Double> loss, int chosenStep, int lastStep) {}

    /** normalizeParts: part {@code part}'s starting loss L_k⁰ is 0 or not finite. */
    public static final class UnnormalizablePart extends IllegalArgumentException {

        private final int part;

        UnnormalizablePart(int part, String message) {
            super(message);
            this.part = part;
        }

        public int part() {
            return part;
        }
    }

    private SelfPositioning() {}

    /**
     * @param training   the probe parts the search trains on
     * @param validation each part's held-out pairs, in the same order (empty: no validation, no early stopping)
     */
    public static Outcome optimize(
            SelfPositioningObjective objective,
            List<WeightedProbe> training,
            List<WeightedProbe> validation,
            double[] initWeights,
            Settings settings,
            CoefficientSearch.Listener listener) {
        for (WeightedProbe part : training) {
            if (part.pairs().isEmpty()) {
                throw new IllegalArgumentException(part.label() + ": the probe part has no pairs");
            }
        }
        SearchPoint start = SearchPoint.of(objective.groups().size(), initWeights, settings.initLambda());
        Double reference = null;
        Map<String, Double> partReferences = null;
        if (settings.normalizeParts()) {
            double[] starting = startingPartLosses(objective, training, start, settings);
            partReferences = new LinkedHashMap<>();
            double weightSum = 0;
            for (int k = 0; k < training.size(); k++) {
                WeightedProbe part = training.get(k);
                if (!(starting[k] > 0) || !Double.isFinite(starting[k])) {
                    throw new UnnormalizablePart(
                            k,
                            part.label() + ": the part's loss at the starting point is " + starting[k]
                                    + ", so it cannot be normalised by it (normalizeParts)");
                }
                partReferences.put(part.label(), starting[k]);
                weightSum += part.weight();
            }
            training = normalized(training, starting);
            validation = validation.isEmpty() ? validation : normalized(validation, starting);
            // Σ_k (w_k / L_k⁰)·L_k⁰: the normalised objective's starting probe loss is Σ_k w_k
            reference = settings.penalty() == Penalty.RELATIVE ? weightSum : null;
        } else if (settings.penalty() == Penalty.RELATIVE) {
            reference = startingLoss(objective, training, start, settings);
        }
        List<WeightedProbe> parts = training;
        double penaltyWeight = reference == null ? settings.mu() : settings.mu() * reference;
        List<PairBatches> streams = streams(training, settings);
        try (NDManager held = ComputeDevice.newManager()) {
            List<SelfPositioningObjective.PartBatch> heldOut = validationBatches(objective, validation, settings, held);
            CoefficientSearch.Problem problem = new CoefficientSearch.Problem() {
                @Override
                public SearchGradient train(SearchPoint point) {
                    try (NDManager scope = ComputeDevice.newManager()) {
                        List<SelfPositioningObjective.PartBatch> batches = new ArrayList<>();
                        for (int k = 0; k < parts.size(); k++) {
                            WeightedProbe part = parts.get(k);
                            batches.add(new SelfPositioningObjective.PartBatch(
                                    objective.batch(streams.get(k).next(), scope), part.objective(), part.weight(), k));
                        }
                        return objective.evaluate(point, batches, penaltyWeight);
                    }
                }

                @Override
                public double validate(SearchPoint point) {
                    return weightedMean(objective.losses(point, heldOut), heldOut)
                            + SelfPositioningObjective.penalty(point, penaltyWeight);
                }
            };
            CoefficientSearch.Result result = CoefficientSearch.run(
                    problem,
                    start,
                    new CoefficientSearch.Settings(
                            settings.steps(),
                            settings.learningRate(),
                            !heldOut.isEmpty(),
                            settings.validateEvery(),
                            settings.patience()),
                    listener);
            return outcome(
                    objective,
                    training,
                    result,
                    heldOut.isEmpty()
                            ? null
                            : new Validation(
                                    result.validationSteps(),
                                    result.validationLoss(),
                                    result.chosenStep(),
                                    result.lastStep()),
                    reference,
                    partReferences);
        }
    }

    /** Part k's training batches: a seeded stream of its own (seed + k; a single part keeps the request's seed). */
    private static List<PairBatches> streams(List<WeightedProbe> parts, Settings settings) {
        List<PairBatches> streams = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            streams.add(new PairBatches(parts.get(k).pairs(), settings.batchSize(), settings.seed() + k));
        }
        return streams;
    }

    /**
     * L₀: the probe loss Σ_k w_k L_k at the starting point, the mean over the first {@link #REFERENCE_BATCHES}
     * batches of each part (the very batches the first steps will draw), without gradients.
     */
    private static double startingLoss(
            SelfPositioningObjective objective, List<WeightedProbe> training, SearchPoint start, Settings settings) {
        try (NDManager scope = ComputeDevice.newManager()) {
            List<SelfPositioningObjective.PartBatch> batches = referenceBatches(objective, training, settings, scope);
            return weightedMean(objective.losses(start, batches), batches);
        }
    }

    /**
     * L_k⁰ of every part: its own loss (unweighted) at the starting point, the mean over the same batches as L₀
     * (its first {@link #REFERENCE_BATCHES} batches), without gradients.
     */
    static double[] startingPartLosses(
            SelfPositioningObjective objective, List<WeightedProbe> training, SearchPoint start, Settings settings) {
        try (NDManager scope = ComputeDevice.newManager()) {
            List<SelfPositioningObjective.PartBatch> batches = referenceBatches(objective, training, settings, scope);
            double[] losses = objective.losses(start, batches);
            double[] sums = new double[training.size()];
            int[] counts = new int[training.size()];
            for (int b = 0; b < losses.length; b++) {
                int part = batches.get(b).part();
                sums[part] += losses[b];
                counts[part]++;
            }
            double[] means = new double[sums.length];
            for (int k = 0; k < means.length; k++) {
                means[k] = sums[k] / counts[k];
            }
            return means;
        }
    }

    /** The first {@link #REFERENCE_BATCHES} batches of every part's training stream, batch by batch. */
    private static List<SelfPositioningObjective.PartBatch> referenceBatches(
            SelfPositioningObjective objective, List<WeightedProbe> training, Settings settings, NDManager scope) {
        List<PairBatches> streams = streams(training, settings);
        List<SelfPositioningObjective.PartBatch> batches = new ArrayList<>();
        for (int b = 0; b < REFERENCE_BATCHES; b++) {
            for (int k = 0; k < training.size(); k++) {
                WeightedProbe part = training.get(k);
                batches.add(new SelfPositioningObjective.PartBatch(
                        objective.batch(streams.get(k).next(), scope), part.objective(), part.weight(), k));
            }
        }
        return batches;
    }

    /** The parts with weights w_k / L_k⁰, so that their weighted losses sum to Σ_k w_k L_k / L_k⁰. */
    static List<WeightedProbe> normalized(List<WeightedProbe> parts, double[] startingLosses) {
        List<WeightedProbe> scaled = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            WeightedProbe part = parts.get(k);
            scaled.add(
                    new WeightedProbe(part.label(), part.objective(), part.weight() / startingLosses[k], part.pairs()));
        }
        return scaled;
    }

    /** Each part's held-out pairs in fixed consecutive batches of batchSize (the last one may be smaller). */
    private static List<SelfPositioningObjective.PartBatch> validationBatches(
            SelfPositioningObjective objective, List<WeightedProbe> validation, Settings settings, NDManager scope) {
        List<SelfPositioningObjective.PartBatch> batches = new ArrayList<>();
        for (int k = 0; k < validation.size(); k++) {
            WeightedProbe part = validation.get(k);
            List<TextPair> pairs = part.pairs();
            for (int start = 0; start < pairs.size(); start += settings.batchSize()) {
                batches.add(new SelfPositioningObjective.PartBatch(
                        objective.batch(
                                pairs.subList(start, Math.min(pairs.size(), start + settings.batchSize())), scope),
                        part.objective(),
                        part.weight(),
                        k));
            }
        }
        return batches;
    }

    /** Σ_k w_k · mean(L_k over part k's batches). */
    static double weightedMean(double[] losses, List<SelfPositioningObjective.PartBatch> batches) {
        Map<Integer, double[]> perPart = new LinkedHashMap<>();
        for (int b = 0; b < losses.length; b++) {
            SelfPositioningObjective.PartBatch batch = batches.get(b);
            double[] sumCountWeight = perPart.computeIfAbsent(batch.part(), key -> new double[3]);
            sumCountWeight[0] += losses[b];
            sumCountWeight[1]++;
            sumCountWeight[2] = batch.weight();
        }
        double total = 0;
        for (double[] part : perPart.values()) {
            total += part[2] * part[0] / part[1];
        }
        return total;
    }

    private static Outcome outcome(
            SelfPositioningObjective objective,
            List<WeightedProbe> training,
            CoefficientSearch.Result result,
            Validation validation,
            Double reference,
            Map<String, Double> partReferences) {
        List<GroupOutcome> groups = new ArrayList<>();
        SearchPoint point = result.point();
        for (int g = 0; g < point.groups(); g++) {
            SlerpCoefficients.Result coefficients = SlerpCoefficients.compute(objective.gram(g), point.weights()[g]);
            groups.add(new GroupOutcome(
                    objective.groups().get(g),
                    point.weights()[g],
                    point.lambdas()[g],
                    coefficients.t(),
                    coefficients.c()));
        }
        Map<String, List<Double>> partCurves = new LinkedHashMap<>();
        for (int k = 0; k < training.size(); k++) {
            List<Double> curve = new ArrayList<>();
            for (double[] step : result.partLosses()) {
                curve.add(step[k]);
            }
            partCurves.put(training.get(k).label(), curve);
        }
        return new Outcome(groups, result.lossCurve(), partCurves, validation, reference, partReferences);
    }
}
