package io.embedmerge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.embedmerge.model.BertEncoder;
import io.embedmerge.model.Pooling;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.storage.DirectFolder;
import io.embedmerge.support.TestData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StsEvaluationTest {

    @TempDir
    Path dir;

    @Test
    void spearmanUsesAverageRanksForTies() {
        // hand-computed: ranks of x = [1, 2.5, 2.5, 4], of y = [1, 2, 3, 4]; pearson of the ranks = 0.9486833
        assertThat(StsEvaluation.ranks(new double[] {0.1, 0.5, 0.5, 0.9})).containsExactly(1, 2.5, 2.5, 4);
        assertThat(StsEvaluation.spearman(new double[] {0.1, 0.5, 0.5, 0.9}, new double[] {1, 2, 3, 4}))
                .isCloseTo(3 / Math.sqrt(10), within(1e-12));
        assertThat(StsEvaluation.spearman(new double[] {3, 1, 2}, new double[] {30, 10, 20}))
                .isCloseTo(1, within(1e-12));
    }

    @Test
    void readsStsPairsFromJsonLinesAndRefusesIncompleteLines() throws Exception {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, """
                {"sentence1": "A man plays.", "sentence2": "A man is playing.", "score": 4.5}

                {"sentence1": "A cat.", "sentence2": "A plane.", "score": 0}
                """);
        assertThat(StsData.read(file))
                .containsExactly(
                        new StsPair("A man plays.", "A man is playing.", 4.5), new StsPair("A cat.", "A plane.", 0));
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"sentence1\": \"x\", \"score\": 1}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StsData.read(bad))
                .hasMessageContaining("bad.jsonl line 1")
                .hasMessageContaining("sentence2");
    }

    /**
     * all-MiniLM-L6-v2, imported from its ONNX export and run by the Java encoder, on the STS Benchmark test set:
     * MTEB reports cosine Spearman 82.03 for sentence-transformers/all-MiniLM-L6-v2 on STSBenchmark (MTEB paper,
     * Muennighoff et al. 2023, STS results table; MTEB leaderboard). Required: within 0.5 points.
     */
    @Test
    void allMiniLmScoresItsPublishedStsBenchmarkValue() throws Exception {
        Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
        Path checkpoint = dir.resolve("minilm");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
            DirectFolder folder = new DirectFolder(checkpoint);
            imported.write(folder);
            try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
                Files.copy(in, checkpoint.resolve("tokenizer.json"));
            }
            SentenceTransformersFiles.write(folder, Pooling.MEAN, 256, 384);
        }
        List<StsPair> pairs = StsData.readTsv(TestData.path("stsb-en-test"));
        assertThat(pairs).hasSize(1379);
        double score;
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            score = StsEvaluation.cosineSpearman(pairs, sentences -> encoder.encode(sentences, 32));
        }
        System.out.println("all-MiniLM-L6-v2 STS Benchmark test cosine Spearman: " + score);
        assertThat(score).isCloseTo(82.03, within(0.5));
    }
}
