package io.embedmerge.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.eval.StsData;
import io.embedmerge.eval.StsPair;
import io.embedmerge.merge.LearnedCoefficients.Granularity;
import io.embedmerge.model.BatchListener;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.model.Pooling;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.positioning.ContrastiveTrainer;
import io.embedmerge.positioning.FisherInformation;
import io.embedmerge.positioning.RegMean;
import io.embedmerge.positioning.SearchPoint;
import io.embedmerge.positioning.SelfPositioningObjective;
import io.embedmerge.positioning.TextPair;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.storage.DirectFolder;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Times the data-aware statistics on all-MiniLM-L6-v2 at batch 32 on this machine's CPU: one Self-Positioning step
 * (forward/backward at θ(a, λ) plus the projections; also on a two-part InfoNCE + CoSENT mixture and with layer
 * granularity), one validation batch (forward only), Fisher per batch, RegMean Gram matrices per batch and the
 * float64 solves of all Linear layers.
 * <pre>./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.embedmerge.bench.DataAwareBench</pre>
 */
public final class DataAwareBench {

    private DataAwareBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("data-aware-bench");
        Path base = dir.resolve("base");
        Path onnx = dir.resolve("m.onnx");
        try (InputStream in = DataAwareBench.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
            imported.write(new DirectFolder(base));
        }
        try (InputStream in = DataAwareBench.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, base.resolve("tokenizer.json"));
        }
        SentenceTransformersFiles.write(new DirectFolder(base), Pooling.MEAN, 256, 384);
        List<Path> models = List.of(
                TestCheckpoints.perturbed(base, dir.resolve("m1"), 1),
                TestCheckpoints.perturbed(base, dir.resolve("m2"), 2));
        List<TextPair> pairs = new ArrayList<>();
        for (StsPair p : StsData.readTsv(TestData.path("stsb-en-train"))) {
            pairs.add(new TextPair(p.sentence1(), p.sentence2()));
        }
        int batch = 32;
        System.out.printf(
                "all-MiniLM-L6-v2, batch %d, %d cores%n",
                batch, Runtime.getRuntime().availableProcessors());

        try (SelfPositioningObjective objective = new SelfPositioningObjective(
                ConfinedFolder.self(base),
                models.stream().map(ConfinedFolder::self).toList(),
                DataType.FLOAT32,
                0.05,
                0.01)) {
            double total = 0;
            for (int step = 0; step < 6; step++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    var probe = objective.batch(pairs.subList(step * batch, (step + 1) * batch), scope);
                    long t0 = System.nanoTime();
                    objective.evaluate(new double[] {1, 1}, 1, probe);
                    if (step > 0) {
                        total += (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
            System.out.printf("self_positioning step:           %.3f s%n", total / 5);
            // the same step on a two-part mixture (InfoNCE and CoSENT, one batch each), and one validation batch
            List<TextPair> scored = new ArrayList<>();
            for (StsPair p : StsData.readTsv(TestData.path("stsb-en-train"))) {
                scored.add(new TextPair(p.sentence1(), p.sentence2(), List.of(), p.score()));
            }
            SearchPoint point = SearchPoint.of(1, new double[] {1, 1}, 1);
            double mixture = 0;
            double validation = 0;
            for (int step = 0; step < 6; step++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    List<SelfPositioningObjective.PartBatch> parts = List.of(
                            new SelfPositioningObjective.PartBatch(
                                    objective.batch(pairs.subList(step * batch, (step + 1) * batch), scope),
                                    ContrastiveTrainer.Objective.INFONCE,
                                    1.0,
                                    0),
                            new SelfPositioningObjective.PartBatch(
                                    objective.batch(scored.subList(step * batch, (step + 1) * batch), scope),
                                    ContrastiveTrainer.Objective.COSENT,
                                    0.5,
                                    1));
                    long t0 = System.nanoTime();
                    objective.evaluate(point, parts, 0.01);
                    long t1 = System.nanoTime();
                    objective.losses(point, parts.subList(0, 1));
                    long t2 = System.nanoTime();
                    if (step > 0) {
                        mixture += (t1 - t0) / 1e9;
                        validation += (t2 - t1) / 1e9;
                    }
                }
            }
            System.out.printf("self_positioning step, 2 parts:  %.3f s%n", mixture / 5);
            System.out.printf("validation, per batch:           %.3f s%n", validation / 5);
        }
        try (SelfPositioningObjective objective = new SelfPositioningObjective(
                ConfinedFolder.self(base),
                models.stream().map(ConfinedFolder::self).toList(),
                DataType.FLOAT32,
                0.05,
                0.01,
                Granularity.LAYER)) {
            SearchPoint point = SearchPoint.of(objective.groups().size(), new double[] {1, 1}, 1);
            double total = 0;
            for (int step = 0; step < 6; step++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    var probe = objective.batch(pairs.subList(step * batch, (step + 1) * batch), scope);
                    long t0 = System.nanoTime();
                    objective.evaluate(
                            point,
                            List.of(new SelfPositioningObjective.PartBatch(
                                    probe, ContrastiveTrainer.Objective.INFONCE, 1.0)),
                            0.01);
                    if (step > 0) {
                        total += (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
            System.out.printf(
                    "self_positioning step, %d layer groups: %.3f s%n",
                    objective.groups().size(), total / 5);
        }
        try (BertEncoder encoder = BertEncoder.load(models.getFirst())) {
            FisherInformation.diagonal(
                    encoder, pairs.subList(0, batch), batch, batch, 0.05, 0, BatchListener.NONE, (name, values) -> {});
            long t0 = System.nanoTime();
            FisherInformation.diagonal(
                    encoder,
                    pairs.subList(0, 4 * batch),
                    4 * batch,
                    batch,
                    0.05,
                    0,
                    BatchListener.NONE,
                    (name, values) -> {});
            System.out.printf("fisher, per batch of %d pairs:   %.3f s%n", batch, (System.nanoTime() - t0) / 1e9 / 4);
        }
        try (BertEncoder encoder = BertEncoder.load(models.getFirst())) {
            RegMean.gramMatrices(encoder, pairs.subList(0, batch / 2), batch / 2, batch, 0);
            long t0 = System.nanoTime();
            var grams = RegMean.gramMatrices(encoder, pairs.subList(0, 2 * batch), 2 * batch, batch, 0);
            System.out.printf(
                    "regmean Gram, per batch of %d texts: %.3f s%n", batch, (System.nanoTime() - t0) / 1e9 / 4);
            long t1 = System.nanoTime();
            for (var e : grams.entrySet()) {
                int in = (int) Math.round(Math.sqrt(e.getValue().length));
                float[] w = encoder.parameters().get(e.getKey() + ".weight").toFloatArray();
                RegMean.solve(List.of(e.getValue(), e.getValue()), List.of(w, w), in, w.length / in, 0.9);
            }
            System.out.printf(
                    "regmean solves, all %d Linear layers: %.3f s%n", grams.size(), (System.nanoTime() - t1) / 1e9);
        }
    }
}
