package io.embedmerge.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retrieval metrics on a hand-made BEIR folder whose ranking is fixed by the embeddings given. */
class RetrievalEvaluationTest {

    @TempDir
    Path dir;

    @Test
    void ndcgMrrAndRecallMatchHandComputedValues() throws Exception {
        Files.writeString(dir.resolve("corpus.jsonl"), """
                {"_id": "d1", "title": "", "text": "one"}
                {"_id": "d2", "title": "", "text": "two"}
                {"_id": "d3", "title": "", "text": "three"}
                """);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "query one"}
                {"_id": "q2", "text": "query two"}
                """);
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(
                dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td2\t2\nq1\td3\t1\nq2\td1\t1\n");
        // q1 ranks d1 > d2 > d3; q2 ranks d1 first
        Map<String, float[]> vectors = Map.of(
                "one",
                new float[] {1, 0, 0},
                "two",
                new float[] {0.8f, 0.6f, 0},
                "three",
                new float[] {0.6f, 0, 0.8f},
                "query one",
                new float[] {1, 0.1f, 0},
                "query two",
                new float[] {1, 0, 0});
        Score score = RetrievalEvaluation.evaluate(
                dir, texts -> texts.stream().map(vectors::get).toArray(float[][]::new));

        // q1: DCG = 2/log2(3) + 1/log2(4); IDCG = 2/log2(2) + 1/log2(3); q2: 1
        double dcg = 2 / log2(3) + 1 / log2(4);
        double idcg = 2 + 1 / log2(3);
        assertThat(score.metrics().get("ndcg_at_10")).isCloseTo(100 * (dcg / idcg + 1) / 2, within(1e-9));
        assertThat(score.metrics().get("mrr_at_10")).isCloseTo(100 * (0.5 + 1) / 2, within(1e-9));
        assertThat(score.metrics().get("recall_at_100")).isCloseTo(100, within(1e-9));
        assertThat(score.main()).isEqualTo(score.metrics().get("ndcg_at_10"));
        assertThat(RetrievalEvaluation.topK(new float[] {1, 0}, new float[][] {{0, 1}, {1, 0}, {0.5f, 0.5f}}, 2))
                .containsExactly(1, 2);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
