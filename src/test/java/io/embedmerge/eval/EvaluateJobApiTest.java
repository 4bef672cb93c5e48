package io.embedmerge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestData;
import io.embedmerge.support.TestEnvironment;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Evaluate jobs and merge jobs with an evaluation block, on the imported all-MiniLM-L6-v2. */
class EvaluateJobApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    /** 200 STS Benchmark test pairs as STS data, and their pairs as a small retrieval set (query → its partner). */
    private static Path data() throws Exception {
        Path root = Files.createDirectories(TestEnvironment.storageRoot().resolve("eval-" + UUID.randomUUID()));
        List<String> lines = Files.readAllLines(TestData.path("stsb-en-test")).subList(0, 200);
        Files.write(root.resolve("sts.tsv"), lines);
        Path beir = Files.createDirectories(root.resolve("beir/qrels"));
        List<String> corpus = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        List<String> qrels = new ArrayList<>(List.of("query-id\tcorpus-id\tscore"));
        for (int i = 0; i < 100; i++) {
            String[] f = lines.get(i).split("\t");
            corpus.add("{\"_id\": \"d" + i + "\", \"title\": \"\", \"text\": " + json(f[6]) + "}");
            queries.add("{\"_id\": \"q" + i + "\", \"text\": " + json(f[5]) + "}");
            qrels.add("q" + i + "\td" + i + "\t1");
        }
        Files.write(root.resolve("beir/corpus.jsonl"), corpus);
        Files.write(root.resolve("beir/queries.jsonl"), queries);
        Files.write(beir.resolve("test.tsv"), qrels);
        return root;
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void scoresACheckpointAndComparesAMergeWithItsInputs() throws Exception {
        ApiClient api = new ApiClient(port);
        String model = api.importBuiltin("builtin:all-minilm-l6-v2");
        Path data = data();
        String evaluation = """
                [{"name": "sts-200", "task": "sts", "data": "%s"}, {"name": "pairs", "task": "retrieval", "data": "%s"}]
                """.formatted(
                        data.resolve("sts.tsv").toUri(), data.resolve("beir").toUri());

        JsonNode scored = api.awaitTerminal(api.post("/v1/jobs", """
                {"kind": "evaluate", "checkpoint": "%s", "evaluation": %s}""".formatted(model, evaluation))
                .body()
                .path("id")
                .asString());
        assertThat(scored.path("status").asString()).as(scored.toString()).isEqualTo("SUCCEEDED");
        JsonNode scores = scored.path("result").path("scores");
        double sts = scores.path("sts-200").path("main").asDouble();
        double ndcg = scores.path("pairs").path("main").asDouble();
        assertThat(sts).isBetween(60.0, 100.0);
        assertThat(ndcg).isBetween(50.0, 100.0);
        assertThat(scores.path("pairs").path("metrics").path("recall_at_100").asDouble())
                .isBetween(90.0, 100.0);
        assertThat(scored.path("result").path("averageScore").asDouble())
                .isCloseTo((sts + ndcg) / 2, org.assertj.core.data.Offset.offset(1e-9));

        JsonNode merged = api.awaitTerminal(api.post("/v1/jobs", """
                {"kind": "merge", "base": "%1$s", "models": [{"uri": "%1$s", "label": "minilm"}],
                 "method": {"name": "linear"}, "evaluation": %2$s, "evaluateInputs": true}""".formatted(model, evaluation))
                .body()
                .path("id")
                .asString());
        assertThat(merged.path("status").asString()).as(merged.toString()).isEqualTo("SUCCEEDED");
        JsonNode comparison = merged.path("result").path("comparison");
        assertThat(comparison).hasSize(3);
        List<String> labels = new ArrayList<>();
        comparison.forEach(c -> labels.add(c.path("checkpoint").asString()));
        assertThat(labels).containsExactly("base", "minilm", "merged");
        // merging a model with itself gives the model: identical scores
        assertThat(comparison.get(2).path("scores").path("sts-200").path("main").asDouble())
                .isCloseTo(sts, org.assertj.core.data.Offset.offset(1e-6));
        String report = api.getText("/v1/jobs/" + merged.path("id").asString() + "/report", "text/html")
                .body();
        assertThat(report).contains("Scores", "sts-200", "minilm", "<svg");

        ApiClient.Response missing =
                api.post("/v1/jobs", """
                {"kind": "evaluate", "checkpoint": "%s", "evaluation": [{"name": "x", "task": "sts", "data": "%s"}]}""".formatted(model, URI.create(model).resolve("nope.tsv")));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body().path("errors").get(0).path("field").asString())
                .isEqualTo("evaluation[0].data");
    }

    @Test
    void builtinDatasetsAreListedAndAcceptedWhereDataIs() {
        ApiClient api = new ApiClient(port);
        JsonNode datasets = api.get("/v1/datasets").body();
        List<String> uris = new ArrayList<>();
        datasets.forEach(d -> uris.add(d.path("uri").asString()));
        assertThat(uris)
                .contains(
                        "builtin:stsb-en-test",
                        "builtin:stsb-en-dev",
                        "builtin:stsb-en-train",
                        "builtin:stsb-zh-test",
                        "builtin:stsb-zh-train",
                        "builtin:zh-retrieval-pairs");
        JsonNode zhTest = datasets.get(uris.indexOf("builtin:stsb-zh-test"));
        assertThat(zhTest.path("rows").asInt()).isEqualTo(1361);
        assertThat(zhTest.path("language").asString()).isEqualTo("zh");
        assertThat(zhTest.path("licence").asString()).contains("Apache-2.0");
        assertThat(zhTest.has("resource")).as("internal resource path leaked").isFalse();

        String model = api.importBuiltin("builtin:all-minilm-l6-v2");
        ApiClient.Response unknown = api.post("/v1/jobs", """
                {"kind": "evaluate", "checkpoint": "%s",
                 "evaluation": [{"name": "x", "task": "sts", "data": "builtin:stsb-xx-test"}]}""".formatted(model));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().path("errors").get(0).path("field").asString())
                .isEqualTo("evaluation[0].data");
        assertThat(unknown.body().path("errors").get(0).path("message").asString())
                .contains("builtin:stsb-en-test");

        // 2,916 sentences: seconds on idle cores, minutes on a loaded CI machine
        JsonNode scored = api.awaitJob(
                api.post("/v1/jobs", """
                {"kind": "evaluate", "checkpoint": "%s",
                 "evaluation": [{"name": "stsb-zh-dev", "task": "sts", "data": "builtin:stsb-zh-dev"}]}""".formatted(model)).body().path("id").asString(),
                j -> j.path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED"),
                java.time.Duration.ofMinutes(10));
        assertThat(scored.path("status").asString()).as(scored.toString()).isEqualTo("SUCCEEDED");
        // an English model on Chinese pairs: a real score, far from the English one
        assertThat(scored.path("result")
                        .path("scores")
                        .path("stsb-zh-dev")
                        .path("main")
                        .asDouble())
                .isBetween(0.0, 70.0);
    }
}
