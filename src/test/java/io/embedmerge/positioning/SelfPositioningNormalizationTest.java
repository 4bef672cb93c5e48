package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.merge.LearnedCoefficients.Granularity;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.tensor.DType;
import io.embedmerge.tensor.Scalars;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-Positioning's per-part loss normalisation ({@code normalizeParts}) on a tiny random encoder (2 layers, width
 * 32, all-MiniLM-L6-v2's tokenizer, two task models), in float64, with an InfoNCE part (weight 0.7) and a CoSENT part
 * (weight 1.3):
 * <ul>
 *   <li>the search's objective at its first step equals Σ_k w_k L_k / L_k⁰ + μ·λ·Σ_k w_k computed here from the
 *   objective's per-batch losses (L_k⁰: the mean of part k's first 4 batches at the start; the first step trains on
 *   the first of them), to 1e-9 relative, and so does the first validation check on held-out batches; the reported
 *   L_k⁰ and L₀ = Σ_k w_k are those values;</li>
 *   <li>scale invariance: multiplying one part's loss by 1e-4 (InfoNCE on easy pairs is that much smaller than
 *   CoSENT) leaves the normalised search's learned a and λ unchanged to 1e-9 relative, while the search without
 *   normalisation learns other coefficients from the same losses.</li>
 * </ul>
 * The weights are not normalised away: w_k still sets part k's share of the objective (Σ_k w_k L_k / L_k⁰), so it is
 * the scale of a part's loss, not its weight, that the normalised search ignores.
 */
class SelfPositioningNormalizationTest {

    private static final double TOLERANCE = 1e-9;

    @TempDir
    Path dir;

    private ConfinedFolder base;
    private List<ConfinedFolder> models;

    private static final List<TextPair> RETRIEVAL = List.of(
            new TextPair("a red car", "a red automobile"), new TextPair("blue sky", "the sky is blue"),
            new TextPair("cold water", "chilly water"), new TextPair("old book", "an ancient book"),
            new TextPair("fast runner", "a quick runner"), new TextPair("loud music", "noisy music"),
            new TextPair("a small dog", "a little puppy"), new TextPair("green grass", "the lawn is green"));
    private static final List<TextPair> SIMILARITY = List.of(
            new TextPair("a man plays a guitar", "a man is playing a guitar", List.of(), 5.0),
            new TextPair("a dog runs on grass", "a cat sleeps on a sofa", List.of(), 1.0),
            new TextPair("a plane takes off", "an aircraft is taking off", List.of(), 4.8),
            new TextPair("two men play chess", "two men are playing football", List.of(), 1.6),
            new TextPair("a girl sings", "a girl is singing a song", List.of(), 4.2),
            new TextPair("rain falls on the city", "the sun shines in the desert", List.of(), 0.4),
            new TextPair("a woman slices onions", "a woman is cutting an onion", List.of(), 4.6),
            new TextPair("the stock market fell", "a child rides a bike", List.of(), 0.0));
    private static final List<TextPair> HELD_OUT_RETRIEVAL = List.of(
            new TextPair("a tall tree", "a high tree"),
            new TextPair("hot soup", "warm soup"),
            new TextPair("a quiet room", "a silent room"));
    private static final List<TextPair> HELD_OUT_SIMILARITY = List.of(
            new TextPair("a boy kicks a ball", "a boy is kicking a ball", List.of(), 4.9),
            new TextPair("a cat drinks milk", "a man reads a paper", List.of(), 0.2),
            new TextPair("people walk in a park", "people are walking outside", List.of(), 3.4));

    @BeforeEach
    void checkpoints() throws Exception {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 30522), DType.F32, 2, 29);
        for (String folder : List.of("base", "model-1", "model-2")) {
            try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
                Files.copy(in, dir.resolve(folder).resolve("tokenizer.json"));
            }
        }
        base = ConfinedFolder.self(dir.resolve("base"));
        models = List.of(ConfinedFolder.self(dir.resolve("model-1")), ConfinedFolder.self(dir.resolve("model-2")));
    }

    private static List<WeightedProbe> parts(double retrievalWeight, double similarityWeight) {
        return List.of(
                new WeightedProbe("retrieval", ContrastiveTrainer.Objective.INFONCE, retrievalWeight, RETRIEVAL),
                new WeightedProbe("similarity", ContrastiveTrainer.Objective.COSENT, similarityWeight, SIMILARITY));
    }

    private static SelfPositioning.Settings settings(int steps, double mu, boolean normalize) {
        return new SelfPositioning.Settings(
                steps, 4, 0.05, 1.0, 7, mu, SelfPositioning.Penalty.RELATIVE, 10, 5, normalize);
    }

    @Test
    void theNormalisedObjectiveIsTheSumOfEachPartsLossOverItsStartingLoss() {
        double mu = 0.01;
        double[] w = {0.7, 1.3};
        double[] init = {0.9, 1.2};
        List<WeightedProbe> training = parts(w[0], w[1]);
        List<WeightedProbe> validation = List.of(
                new WeightedProbe("retrieval", ContrastiveTrainer.Objective.INFONCE, w[0], HELD_OUT_RETRIEVAL),
                new WeightedProbe("similarity", ContrastiveTrainer.Objective.COSENT, w[1], HELD_OUT_SIMILARITY));
        try (SelfPositioningObjective objective =
                new SelfPositioningObjective(base, models, DataType.FLOAT64, 0.05, 0.0, Granularity.MODEL)) {
            SelfPositioning.Outcome outcome = SelfPositioning.optimize(
                    objective,
                    training,
                    validation,
                    init,
                    settings(3, mu, true),
                    (step, steps, loss, validationLoss) -> {});

            // independently: part k's stream (seed + k), its first 4 batches at the start, unweighted losses
            SearchPoint start = SearchPoint.of(1, init, 1.0);
            double[] reference = new double[2];
            double[] firstBatch = new double[2];
            double[] heldOut = new double[2];
            try (var scope = ai.djl.ndarray.NDManager.newBaseManager()) {
                for (int k = 0; k < 2; k++) {
                    WeightedProbe part = training.get(k);
                    PairBatches stream = new PairBatches(part.pairs(), 4, 7 + k);
                    List<SelfPositioningObjective.PartBatch> batches = new ArrayList<>();
                    for (int b = 0; b < 4; b++) {
                        batches.add(new SelfPositioningObjective.PartBatch(
                                objective.batch(stream.next(), scope), part.objective(), 1.0, k));
                    }
                    double[] losses = objective.losses(start, batches);
                    reference[k] = (losses[0] + losses[1] + losses[2] + losses[3]) / 4;
                    firstBatch[k] = losses[0];
                    heldOut[k] = objective
                            .losses(
                                    start,
                                    List.of(new SelfPositioningObjective.PartBatch(
                                            objective.batch(validation.get(k).pairs(), scope),
                                            part.objective(),
                                            1.0,
                                            k)))[0];
                }
            }
            System.out.printf(
                    "L0: retrieval %.10g similarity %.10g; first batch %.10g %.10g%n",
                    reference[0], reference[1], firstBatch[0], firstBatch[1]);
            assertThat(reference[0]).isPositive();
            assertThat(reference[1]).isPositive();

            assertThat(outcome.partReferences()).containsOnlyKeys("retrieval", "similarity");
            assertThat(outcome.partReferences().get("retrieval"))
                    .isCloseTo(reference[0], offset(TOLERANCE * reference[0]));
            assertThat(outcome.partReferences().get("similarity"))
                    .isCloseTo(reference[1], offset(TOLERANCE * reference[1]));
            assertThat(outcome.penaltyReference()).as("L₀ = Σ_k w_k").isCloseTo(w[0] + w[1], offset(1e-15));

            // step 1 trains on each part's first batch at the starting point (λ = 1)
            double expected = w[0] * firstBatch[0] / reference[0]
                    + w[1] * firstBatch[1] / reference[1]
                    + mu * 1.0 * (w[0] + w[1]);
            assertThat(outcome.lossCurve().getFirst()).isCloseTo(expected, offset(TOLERANCE * expected));
            assertThat(outcome.partLossCurves().get("retrieval").getFirst())
                    .as("unnormalised L_k")
                    .isCloseTo(firstBatch[0], offset(TOLERANCE * firstBatch[0]));
            assertThat(outcome.partLossCurves().get("similarity").getFirst())
                    .isCloseTo(firstBatch[1], offset(TOLERANCE * firstBatch[1]));

            // the check before the first step: the held-out batches normalised by the same L_k⁰
            double expectedCheck =
                    w[0] * heldOut[0] / reference[0] + w[1] * heldOut[1] / reference[1] + mu * 1.0 * (w[0] + w[1]);
            assertThat(outcome.validation().steps().getFirst()).isZero();
            assertThat(outcome.validation().loss().getFirst())
                    .isCloseTo(expectedCheck, offset(TOLERANCE * expectedCheck));
        }
    }

    @Test
    void scalingOnePartsLossLeavesTheNormalisedSearchUnchanged() {
        double scale = 1e-4;
        double[] init = {1.0, 1.0};
        try (SelfPositioningObjective plain =
                        new SelfPositioningObjective(base, models, DataType.FLOAT64, 0.05, 0.0, Granularity.MODEL);
                SelfPositioningObjective scaled = new ScaledPart(base, models, 0, scale)) {
            SelfPositioning.Outcome normalized = SelfPositioning.optimize(
                    plain,
                    parts(1, 1),
                    List.of(),
                    init,
                    settings(6, 0.01, true),
                    (step, steps, loss, validationLoss) -> {});
            SelfPositioning.Outcome normalizedScaled = SelfPositioning.optimize(
                    scaled,
                    parts(1, 1),
                    List.of(),
                    init,
                    settings(6, 0.01, true),
                    (step, steps, loss, validationLoss) -> {});
            SelfPositioning.Outcome raw = SelfPositioning.optimize(
                    plain,
                    parts(1, 1),
                    List.of(),
                    init,
                    settings(6, 0.01, false),
                    (step, steps, loss, validationLoss) -> {});
            SelfPositioning.Outcome rawScaled = SelfPositioning.optimize(
                    scaled,
                    parts(1, 1),
                    List.of(),
                    init,
                    settings(6, 0.01, false),
                    (step, steps, loss, validationLoss) -> {});

            double[] a = point(normalized);
            double[] b = point(normalizedScaled);
            System.out.printf(
                    "normalised (a1, a2, λ): %s / part 0 × %.0e: %s; unnormalised: %s / %s%n",
                    java.util.Arrays.toString(a),
                    scale,
                    java.util.Arrays.toString(b),
                    java.util.Arrays.toString(point(raw)),
                    java.util.Arrays.toString(point(rawScaled)));
            assertThat(a[0]).as("the search moved").isNotCloseTo(1.0, offset(1e-3));
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).as("coefficient %d", i).isCloseTo(a[i], offset(TOLERANCE * Math.abs(a[i])));
            }
            assertThat(normalizedScaled.partReferences().get("retrieval"))
                    .isCloseTo(
                            scale * normalized.partReferences().get("retrieval"),
                            offset(TOLERANCE
                                    * scale
                                    * normalized.partReferences().get("retrieval")));
            for (int s = 0; s < normalized.lossCurve().size(); s++) {
                assertThat(normalizedScaled.lossCurve().get(s))
                        .as("objective at step %d", s + 1)
                        .isCloseTo(
                                normalized.lossCurve().get(s),
                                offset(TOLERANCE * normalized.lossCurve().get(s)));
            }
            // without normalisation the same scaling changes what is learned (the check above could fail)
            double[] c = point(raw);
            double[] d = point(rawScaled);
            double largest = 0;
            for (int i = 0; i < c.length; i++) {
                largest = Math.max(largest, Math.abs(c[i] - d[i]) / Math.abs(c[i]));
            }
            assertThat(largest)
                    .as("unnormalised coefficients with and without the scaled part")
                    .isGreaterThan(1e-4);
        }
    }

    /** (a_1, a_2, λ) of the model-wise outcome. */
    private static double[] point(SelfPositioning.Outcome outcome) {
        SelfPositioning.GroupOutcome group = outcome.groups().getFirst();
        return new double[] {group.weights()[0], group.weights()[1], group.lambda()};
    }

    /** The objective with part {@code part}'s loss multiplied by a constant. */
    private static final class ScaledPart extends SelfPositioningObjective {

        private final int part;
        private final double scale;

        ScaledPart(ConfinedFolder base, List<ConfinedFolder> models, int part, double scale) {
            super(base, models, DataType.FLOAT64, 0.05, 0.0, Granularity.MODEL);
            this.part = part;
            this.scale = scale;
        }

        @Override
        NDArray loss(ProbeBatch batch, PartBatch of) {
            NDArray loss = super.loss(batch, of);
            return of.part() == part ? Scalars.times(loss, scale) : loss;
        }
    }
}
