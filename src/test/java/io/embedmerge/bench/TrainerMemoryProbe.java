package io.embedmerge.bench;

import io.embedmerge.model.BertEncoder;
import io.embedmerge.model.Pooling;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.positioning.ContrastiveTrainer;
import io.embedmerge.positioning.SelfPositioning;
import io.embedmerge.positioning.TextPair;
import io.embedmerge.storage.DirectFolder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Prints the process's resident memory while the trainer runs, to check that steps do not leak native memory. */
public final class TrainerMemoryProbe {

    private TrainerMemoryProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("probe");
        Path onnx = dir.resolve("m.onnx");
        try (InputStream in = TrainerMemoryProbe.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        Path checkpoint = dir.resolve("minilm");
        try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
            imported.write(new DirectFolder(checkpoint));
        }
        try (InputStream in = TrainerMemoryProbe.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, checkpoint.resolve("tokenizer.json"));
        }
        SentenceTransformersFiles.write(new DirectFolder(checkpoint), Pooling.MEAN, 64, 384);
        List<TextPair> pairs = new ArrayList<>();
        List<TextPair> scored = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pairs.add(new TextPair("sentence number " + i + " about a topic", "another sentence " + i + " on it"));
            scored.add(new TextPair(
                    "sentence number " + i + " about a topic", "another sentence " + i + " on it", List.of(), (double)
                            (i % 6)));
        }
        // args: steps [infonce | cosent | mixture]
        String objective = args.length > 1 ? args[1] : "infonce";
        SelfPositioning.StepListener print =
                (step, steps, loss) -> System.out.printf("step %d rss %d MB%n", step, rssMb());
        int steps = Integer.parseInt(args[0]);
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            switch (objective) {
                case "infonce" ->
                    ContrastiveTrainer.train(
                            encoder, pairs, new ContrastiveTrainer.Settings(steps, 16, 1e-5, 0.1, 0.05, 1), print);
                case "cosent" ->
                    ContrastiveTrainer.train(
                            encoder,
                            scored,
                            new ContrastiveTrainer.Settings(
                                    steps, 16, 1e-5, 0.1, 0.05, 1, ContrastiveTrainer.Objective.COSENT),
                            print);
                case "mixture" ->
                    ContrastiveTrainer.trainMixture(
                            encoder,
                            List.of(
                                    new ContrastiveTrainer.Part(pairs, ContrastiveTrainer.Objective.INFONCE),
                                    new ContrastiveTrainer.Part(scored, ContrastiveTrainer.Objective.COSENT)),
                            new ContrastiveTrainer.Settings(steps, 16, 1e-5, 0.1, 0.05, 1),
                            print);
                default -> throw new IllegalArgumentException("objective: infonce, cosent or mixture");
            }
        }
    }

    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
