package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.model.Pooling;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.storage.DirectFolder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning lowers the contrastive loss (in-batch and given negatives) of the pairs it trains on
 * (all-MiniLM-L6-v2, a few AdamW steps).
 */
class ContrastiveTrainerTest {

    @TempDir
    Path dir;

    @Test
    void trainingOnPairsLowersTheirLoss() throws Exception {
        Path checkpoint = miniLm();
        List<TextPair> pairs = List.of(
                new TextPair("a red car", "the fox jumps", List.of("a red truck")),
                new TextPair("blue sky", "a red car", List.of("blue sea", "grey sky")),
                new TextPair("the fox jumps", "blue sky"),
                new TextPair("cold water", "green grass"),
                new TextPair("green grass", "cold water"),
                new TextPair("old book", "fast runner"),
                new TextPair("fast runner", "old book"),
                new TextPair("loud music", "quiet room"));
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            double before = loss(encoder, pairs);
            List<Double> curve = ContrastiveTrainer.train(
                    encoder,
                    pairs,
                    new ContrastiveTrainer.Settings(12, 8, 1e-4, 0.1, 0.05, 1),
                    (step, steps, loss) -> {});
            double after = loss(encoder, pairs);
            assertThat(curve).hasSize(12);
            assertThat(after).as("loss %s → %s, curve %s", before, after, curve).isLessThan(before * 0.5);
        }
    }

    /** As torch.optim.AdamW: a parameter no loss reads (a BGE pooler) gets no update and no weight decay. */
    @Test
    void parametersTheLossNeverReadsAreLeftAlone() throws Exception {
        List<TextPair> pairs = List.of(
                new TextPair("a red car", "the fox jumps"),
                new TextPair("blue sky", "a red car"),
                new TextPair("cold water", "green grass"),
                new TextPair("old book", "fast runner"));
        try (BertEncoder encoder = BertEncoder.load(miniLm());
                NDManager manager = NDManager.newBaseManager()) {
            float[] pooler = {0.5f, -0.25f, 1.5f, 2f};
            NDArray unused = manager.create(pooler, new Shape(2, 2));
            unused.setRequiresGradient(true);
            encoder.parameters().put("pooler.dense.weight", unused);
            String used = "encoder.layer.0.attention.self.query.weight";
            float[] before = encoder.parameters().get(used).toFloatArray();
            ContrastiveTrainer.train(
                    encoder,
                    pairs,
                    new ContrastiveTrainer.Settings(3, 4, 1e-4, 0.0, 0.05, 1),
                    (step, steps, loss) -> {});
            assertThat(unused.toFloatArray()).containsExactly(pooler);
            float[] after = encoder.parameters().get(used).toFloatArray();
            double moved = 0;
            for (int j = 0; j < after.length; j++) {
                moved = Math.max(moved, Math.abs(after[j] - before[j]));
            }
            assertThat(moved).as("a parameter the loss reads").isPositive();
        }
    }

    @Test
    void coSentTrainingLowersTheScoreLoss() throws Exception {
        Path checkpoint = miniLm();
        List<TextPair> pairs = List.of(
                new TextPair("a man plays a guitar", "a man is playing a guitar", List.of(), 5.0),
                new TextPair("a woman slices onions", "a woman is cutting an onion", List.of(), 4.6),
                new TextPair("a dog runs on grass", "a cat sleeps on a sofa", List.of(), 1.0),
                new TextPair("the stock market fell", "a child rides a bike", List.of(), 0.0),
                new TextPair("a plane takes off", "an aircraft is taking off", List.of(), 4.8),
                new TextPair("two men play chess", "two men are playing football", List.of(), 1.6),
                new TextPair("a girl sings", "a girl is singing a song", List.of(), 4.2),
                new TextPair("rain falls on the city", "the sun shines in the desert", List.of(), 0.4));
        ContrastiveTrainer.Settings settings =
                new ContrastiveTrainer.Settings(12, 8, 1e-4, 0.1, 0.05, 1, ContrastiveTrainer.Objective.COSENT);
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            double before = coSent(encoder, pairs, settings);
            List<Double> curve = ContrastiveTrainer.train(encoder, pairs, settings, (step, steps, loss) -> {});
            double after = coSent(encoder, pairs, settings);
            assertThat(curve).hasSize(12);
            assertThat(after).as("loss %s → %s, curve %s", before, after, curve).isLessThan(before * 0.7);
        }
    }

    /**
     * A mixture of objectives: every step scores one dataset's batch by that dataset's loss (the first step's loss
     * is the untrained encoder's loss of the first batch under its own objective), and the run is deterministic.
     */
    @Test
    void aMixtureOfObjectivesScoresEachBatchByItsDatasetsLoss() throws Exception {
        Path checkpoint = miniLm();
        List<TextPair> retrieval = List.of(
                new TextPair("a red car", "a red automobile", List.of("a red truck")),
                new TextPair("blue sky", "the sky is blue"),
                new TextPair("cold water", "chilly water"),
                new TextPair("old book", "an ancient book"),
                new TextPair("fast runner", "a quick runner"),
                new TextPair("loud music", "noisy music"));
        List<TextPair> similarity = List.of(
                new TextPair("a man plays a guitar", "a man is playing a guitar", List.of(), 5.0),
                new TextPair("a dog runs on grass", "a cat sleeps on a sofa", List.of(), 1.0),
                new TextPair("a plane takes off", "an aircraft is taking off", List.of(), 4.8),
                new TextPair("two men play chess", "two men are playing football", List.of(), 1.6),
                new TextPair("a girl sings", "a girl is singing a song", List.of(), 4.2),
                new TextPair("the stock market fell", "a child rides a bike", List.of(), 0.0),
                new TextPair("rain falls on the city", "the sun shines in the desert", List.of(), 0.4),
                new TextPair("a woman slices onions", "a woman is cutting an onion", List.of(), 4.6));
        List<ContrastiveTrainer.Part> parts = List.of(
                new ContrastiveTrainer.Part(retrieval, ContrastiveTrainer.Objective.INFONCE),
                new ContrastiveTrainer.Part(similarity, ContrastiveTrainer.Objective.COSENT));
        ContrastiveTrainer.Settings settings = new ContrastiveTrainer.Settings(6, 3, 5e-5, 0.1, 0.05, 9);
        MixedBatches expected = new MixedBatches(List.of(retrieval, similarity), 3, 9);
        MixedBatches.Batch first = expected.next();
        List<Integer> schedule = new java.util.ArrayList<>(List.of(first.dataset()));
        for (int k = 1; k < 6; k++) {
            schedule.add(expected.next().dataset());
        }
        assertThat(schedule).as("both datasets take part").contains(0, 1);
        double firstLoss;
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            firstLoss = batchLoss(
                    encoder,
                    first.pairs(),
                    new ContrastiveTrainer.Settings(
                            6, 3, 5e-5, 0.1, 0.05, 9, parts.get(first.dataset()).objective()));
        }
        ContrastiveTrainer.MixtureCurve curve;
        float[] trained;
        String name = "encoder.layer.2.attention.self.value.weight";
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            curve = ContrastiveTrainer.trainMixture(encoder, parts, settings, (step, steps, loss) -> {});
            trained = encoder.parameters().get(name).toFloatArray();
        }
        assertThat(curve.parts()).isEqualTo(schedule);
        assertThat(curve.losses())
                .hasSize(6)
                .allSatisfy(loss -> assertThat(loss).isFinite().isPositive());
        assertThat(curve.losses().getFirst())
                .isCloseTo(firstLoss, org.assertj.core.data.Offset.offset(1e-6 * firstLoss));
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            ContrastiveTrainer.MixtureCurve again =
                    ContrastiveTrainer.trainMixture(encoder, parts, settings, (step, steps, loss) -> {});
            assertThat(again).isEqualTo(curve);
            assertThat(encoder.parameters().get(name).toFloatArray()).containsExactly(trained);
        }
    }

    private static double batchLoss(BertEncoder encoder, List<TextPair> batch, ContrastiveTrainer.Settings settings) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return ContrastiveTrainer.loss(encoder, batch, settings, scope).getFloat();
        }
    }

    private static double coSent(BertEncoder encoder, List<TextPair> pairs, ContrastiveTrainer.Settings settings) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return ContrastiveTrainer.loss(encoder, pairs, settings, scope).getFloat();
        }
    }

    private Path miniLm() throws Exception {
        Path onnx = dir.resolve("m.onnx");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        Path checkpoint = dir.resolve("minilm");
        try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
            imported.write(new DirectFolder(checkpoint));
        }
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, checkpoint.resolve("tokenizer.json"));
        }
        SentenceTransformersFiles.write(new DirectFolder(checkpoint), Pooling.MEAN, 64, 384);
        return checkpoint;
    }

    private static double loss(BertEncoder encoder, List<TextPair> pairs) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return ProbeBatch.of(encoder, pairs, scope)
                    .contrastiveLoss(encoder, 0.05)
                    .getFloat();
        }
    }
}
