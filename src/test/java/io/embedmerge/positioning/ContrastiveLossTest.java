package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** InfoNCE with given negatives, and CoSENT, against float64 evaluations of their formulas; tolerance 1e-5. */
class ContrastiveLossTest {

    private static final double[][] QUERIES = {{1, 0.5, -0.2}, {0.1, 2, 0.3}, {-0.7, 0.2, 1.1}};
    private static final double[][] POSITIVES = {{0.9, 0.4, 0.1}, {0.3, 1.5, -0.2}, {-0.5, 0.1, 0.8}};
    private static final double[][] NEGATIVES = {{1, 0.6, -0.1}, {0.2, -1, 0.4}};

    @Test
    void negativesJoinTheInBatchPositivesAsCandidates() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double withNegatives = ContrastiveLoss.of(
                            array(manager, QUERIES), array(manager, POSITIVES), array(manager, NEGATIVES), 0.05)
                    .getFloat();
            double inBatchOnly = ContrastiveLoss.of(array(manager, QUERIES), array(manager, POSITIVES), 0.05)
                    .getFloat();
            assertThat(withNegatives).isCloseTo(reference(0.05, true), within(1e-5));
            assertThat(inBatchOnly).isCloseTo(reference(0.05, false), within(1e-5));
            assertThat(withNegatives).isGreaterThan(inBatchOnly + 0.1);
        }
    }

    /** CoSENT against log(1 + Σ_{s_i > s_j} exp(20·(c_j − c_i))) in float64; ties in score contribute nothing. */
    @Test
    void coSentMatchesItsDefinition() {
        double[] scores = {4.5, 1.0, 4.5};
        try (NDManager manager = NDManager.newBaseManager()) {
            double loss = CoSentLoss.of(array(manager, QUERIES), array(manager, POSITIVES), scores, 20)
                    .getFloat();
            double sum = 0;
            for (int i = 0; i < scores.length; i++) {
                for (int j = 0; j < scores.length; j++) {
                    if (scores[i] > scores[j]) {
                        sum += Math.exp(20 * (cosine(QUERIES[j], POSITIVES[j]) - cosine(QUERIES[i], POSITIVES[i])));
                    }
                }
            }
            assertThat(loss).isCloseTo(Math.log1p(sum), within(1e-5));
        }
    }

    @Test
    void readsNegativesFromBothJsonLayouts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, """
                {"query": "q1", "positive": "p1", "negatives": ["n1", "n2"]}
                {"query": "q2", "pos": ["p2"], "neg": ["n3"]}
                {"query": "q3", "positive": "p3"}
                """);
        assertThat(PairData.read(file, 4))
                .containsExactly(
                        new TextPair("q1", "p1", List.of("n1", "n2")),
                        new TextPair("q2", "p2", List.of("n3")),
                        new TextPair("q3", "p3"));
        Files.writeString(file, "{\"query\": \"q\", \"positive\": \"p\", \"negatives\": \"n\"}\n");
        assertThatThrownBy(() -> PairData.read(file, 4))
                .hasMessageContaining("line 1")
                .hasMessageContaining("negatives");
    }

    private static ai.djl.ndarray.NDArray array(NDManager manager, double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[0].length; j++) {
                flat[i * rows[0].length + j] = (float) rows[i][j];
            }
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    private static double reference(double temperature, boolean withNegatives) {
        int candidates = POSITIVES.length + (withNegatives ? NEGATIVES.length : 0);
        double total = 0;
        for (int i = 0; i < QUERIES.length; i++) {
            double[] logits = new double[candidates];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < candidates; j++) {
                double[] c = j < POSITIVES.length ? POSITIVES[j] : NEGATIVES[j - POSITIVES.length];
                logits[j] = cosine(QUERIES[i], c) / temperature;
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            total += -(logits[i] - max - Math.log(sum));
        }
        return total / QUERIES.length;
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }
        return dot / Math.sqrt(na * nb);
    }
}
