package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.TensorPacing;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestData;
import io.embedmerge.support.TestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * GET /v1/compare over real jobs: three imports of all-MiniLM-L6-v2 that score differently (mean pooling, CLS
 * pooling, 8 tokens), evaluate jobs, a merge scored with evaluateInputs and a cancelled merge.
 */
class CompareApiTest extends ServedDocumentTest {

    private static final String SCRIPT_LABEL = "<script>alert(1)</script>";

    private record Jobs(String run, JsonNode cancelled, JsonNode evaluated, JsonNode partial, JsonNode merged) {
        List<String> ids() {
            return List.of(merged, evaluated, partial, cancelled).stream()
                    .map(j -> j.path("id").asString())
                    .toList();
        }
    }

    private String importModel(String extra) {
        JsonNode imported = api.awaitTerminal(api.post(
                        "/v1/jobs",
                        "{\"kind\": \"import\", \"source\": " + "\"builtin:all-minilm-l6-v2\"" + extra + "}")
                .body()
                .path("id")
                .asString());
        assertThat(imported.path("status").asString()).as(imported.toString()).isEqualTo("SUCCEEDED");
        return imported.path("result").path("output").path("uri").asString();
    }

    private JsonNode submitAndWait(String body) {
        ApiClient.Response submitted = api.post("/v1/jobs", body);
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        return api.awaitJob(
                submitted.body().path("id").asString(),
                j -> j.path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED"),
                java.time.Duration.ofMinutes(5));
    }

    /** Submitted in this order (so that the metadata query lists them so): cancelled, evaluated, partial, merged. */
    private Jobs jobs() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String meta = "\"experiment\": \"" + run + "\"";
        JsonNode cancelled;
        long pace = TensorPacing.delayMillis;
        TensorPacing.delayMillis = 300;
        try {
            Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 61);
            Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 62);
            String id = api.post("/v1/jobs", """
                    {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"},
                     "metadata": {%s}}""".formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model), meta))
                    .body()
                    .path("id")
                    .asString();
            api.post("/v1/jobs/" + id + "/cancel", null);
            cancelled = api.awaitTerminal(id);
        } finally {
            TensorPacing.delayMillis = pace;
        }
        String mean = importModel("");
        String cls = importModel(", \"pooling\": \"cls\"");
        String short8 = importModel(", \"maxSeqLength\": 8");
        Path data = Files.createDirectories(TestEnvironment.storageRoot().resolve("compare-" + run));
        List<String> pairs = Files.readAllLines(TestData.path("stsb-en-test"));
        Files.write(data.resolve("first.tsv"), pairs.subList(0, 40));
        Files.write(data.resolve("second.tsv"), pairs.subList(40, 80));
        String first = "{\"name\": \"first\", \"task\": \"sts\", \"data\": \""
                + data.resolve("first.tsv").toUri() + "\"}";
        String second = "{\"name\": \"second\", \"task\": \"sts\", \"data\": \""
                + data.resolve("second.tsv").toUri() + "\"}";

        JsonNode evaluated = submitAndWait("""
                {"kind": "evaluate", "checkpoint": "%s", "evaluation": [%s, %s],
                 "metadata": {%s, "label": "%s"}}""".formatted(mean, first, second, meta, SCRIPT_LABEL));
        JsonNode partial = submitAndWait("""
                {"kind": "evaluate", "checkpoint": "%s", "evaluation": [%s], "metadata": {%s}}""".formatted(short8, first, meta));
        JsonNode merged = submitAndWait("""
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s", "label": "minilm"}],
                 "method": {"name": "linear"}, "evaluation": [%s, %s], "evaluateInputs": true, "metadata": {%s}}""".formatted(cls, mean, first, second, meta));
        for (JsonNode job : List.of(evaluated, partial, merged)) {
            assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        }
        assertThat(cancelled.path("status").asString()).isEqualTo("CANCELLED");
        return new Jobs(run, cancelled, evaluated, partial, merged);
    }

    /** The main scores of one checkpoint as its job reports them. */
    private static Map<String, Double> mains(JsonNode scores) {
        Map<String, Double> values = new LinkedHashMap<>();
        scores.properties()
                .forEach(e -> values.put(e.getKey(), e.getValue().path("main").asDouble()));
        return values;
    }

    @Test
    void comparesAGroupOfJobsAsJsonAndAsAPage() throws Exception {
        Jobs jobs = jobs();
        ApiClient.Response response = api.get("/v1/compare?ids=" + String.join(",", jobs.ids()));
        assertThat(response.status()).as(response.raw().body()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode view = response.body();
        assertThat(schemas.problems("#/components/schemas/Comparison", view)).isEmpty();

        // expected rows, from each job's own result: the merge's base (its input is the evaluate job's checkpoint,
        // which has its own row), the merge, the two evaluate jobs, the cancelled merge
        JsonNode comparison = jobs.merged().path("result").path("comparison");
        List<Map<String, Double>> expected = List.of(
                mains(comparison.get(0).path("scores")),
                mains(jobs.merged().path("result").path("scores")),
                mains(jobs.evaluated().path("result").path("scores")),
                mains(jobs.partial().path("result").path("scores")),
                Map.of());
        List<String> roles = new ArrayList<>();
        List<String> rowJobs = new ArrayList<>();
        view.path("rows").forEach(r -> {
            roles.add(r.path("role").asString());
            rowJobs.add(r.path("job").asString());
        });
        assertThat(roles).containsExactly("base", "merged", "evaluated", "evaluated", "merged");
        List<String> ids = jobs.ids();
        assertThat(rowJobs).containsExactly(ids.get(0), ids.get(0), ids.get(1), ids.get(2), ids.get(3));
        assertThat(view.path("columns").valueStream().map(JsonNode::asString).toList())
                .containsExactly("first", "second");
        assertThat(expected.get(0)).as("CLS and mean pooling score differently").isNotEqualTo(expected.get(2));
        checkCells(view, expected, List.of("first", "second"));

        JsonNode base = view.path("rows").get(0);
        assertThat(base.path("uri").asString())
                .isEqualTo(comparison.get(0).path("uri").asString());
        assertThat(base.path("label").asString()).isNotBlank();
        JsonNode merge = view.path("rows").get(1);
        assertThat(merge.path("method").path("name").asString()).isEqualTo("linear");
        assertThat(merge.path("method").path("params"))
                .isEqualTo(jobs.merged().path("result").path("method").path("params"));
        assertThat(merge.path("label").asString()).isEqualTo(ids.get(0).substring(0, 8) + " linear");
        assertThat(merge.path("uri").asString())
                .isEqualTo(
                        jobs.merged().path("result").path("output").path("uri").asString());
        assertThat(view.path("rows").get(2).path("label").asString()).isEqualTo(SCRIPT_LABEL);
        assertThat(view.path("rows")
                        .get(3)
                        .path("scores")
                        .path("second")
                        .path("value")
                        .isNull())
                .isTrue();
        JsonNode cancelled = view.path("rows").get(4);
        assertThat(cancelled.path("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.path("average").path("value").isNull()).isTrue();

        // the same jobs chosen by their metadata, in the order they were created
        JsonNode byMetadata =
                api.get("/v1/compare?metadata.experiment=" + jobs.run()).body();
        Set<String> created = new LinkedHashSet<>();
        byMetadata.path("rows").forEach(r -> created.add(r.path("job").asString()));
        assertThat(List.copyOf(created)).containsExactly(ids.get(3), ids.get(1), ids.get(2), ids.get(0));
        assertThat(api.get("/v1/compare?metadata.experiment=" + jobs.run() + "&metadata.label=x")
                        .body()
                        .path("rows")
                        .isEmpty())
                .isTrue();

        HttpResponse<String> page = api.getText("/v1/compare?ids=" + String.join(",", ids), "text/html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(HtmlPage.CONTENT_SECURITY_POLICY);
        assertThat(page.body())
                .contains(
                        "&lt;script&gt;alert(1)&lt;/script&gt;",
                        "<td class='best'>",
                        "<h2>first</h2>",
                        "<h2>Average</h2>")
                .doesNotContain(SCRIPT_LABEL);
        assertThat(page.body().split("<svg", -1))
                .as("a chart per column and the average")
                .hasSize(4);
        String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        String query = "/v1/compare?metadata.experiment=" + jobs.run();
        assertThat(contentType(query, browser)).startsWith("text/html");
        assertThat(contentType(query, "*/*")).startsWith("application/json");
        assertThat(contentType(query, "text/html;q=0.5, application/json")).startsWith("application/json");
        assertThat(contentType(query + "&format=html", "application/json")).startsWith("text/html");
        assertThat(contentType(query + "&format=json", "text/html")).startsWith("application/json");
        assertThat(api.getText("/v1/jobs/" + ids.get(0) + "/report", "text/html")
                        .headers()
                        .firstValue("Content-Security-Policy"))
                .contains(HtmlPage.CONTENT_SECURITY_POLICY);
    }

    /** Each cell against the expected values; best = the column's maximum (ties included); average over both. */
    private static void checkCells(JsonNode view, List<Map<String, Double>> expected, List<String> columns) {
        List<Double> averages = expected.stream()
                .map(e -> e.keySet().containsAll(columns)
                        ? columns.stream().mapToDouble(e::get).sum() / columns.size()
                        : null)
                .toList();
        for (int i = 0; i < expected.size(); i++) {
            JsonNode row = view.path("rows").get(i);
            for (String column : columns) {
                Double value = expected.get(i).get(column);
                JsonNode cell = row.path("scores").path(column);
                if (value == null) {
                    assertThat(cell.path("value").isNull())
                            .as("row %d %s", i, column)
                            .isTrue();
                    assertThat(cell.path("best").asBoolean()).isFalse();
                    continue;
                }
                assertThat(cell.path("value").asDouble())
                        .as("row %d %s", i, column)
                        .isEqualTo(value);
                boolean best = expected.stream().map(e -> e.get(column)).allMatch(o -> o == null || o <= value);
                assertThat(cell.path("best").asBoolean())
                        .as("row %d %s best", i, column)
                        .isEqualTo(best);
            }
            Double average = averages.get(i);
            JsonNode cell = row.path("average");
            if (average == null) {
                assertThat(cell.path("value").isNull()).as("row %d average", i).isTrue();
            } else {
                assertThat(cell.path("value").asDouble())
                        .isCloseTo(average, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(cell.path("best").asBoolean())
                        .as("row %d average best", i)
                        .isEqualTo(averages.stream().allMatch(o -> o == null || o <= average + 1e-12));
            }
        }
        assertThat(view.path("rows").size()).isEqualTo(expected.size());
    }

    private String contentType(String path, String accept) {
        HttpResponse<String> response = api.getText(path, accept);
        assertThat(response.statusCode()).as(accept + ": " + response.body()).isEqualTo(200);
        return response.headers().firstValue("Content-Type").orElse("");
    }

    @Test
    void unknownIdsAnswer404AndLimitsAnswer422NamingTheField() {
        String unknown = UUID.randomUUID().toString();
        ApiClient.Response missing = api.get("/v1/compare?ids=" + unknown);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("detail").asString()).isEqualTo("no job with id " + unknown);

        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ApiClient.Response submitted = api.post("/v1/jobs", """
                    {"kind": "import", "source": "builtin:all-minilm-l6-v2", "metadata": {"experiment": "%s"}}""".formatted(run));
            ids.add(submitted.body().path("id").asString());
            api.post("/v1/jobs/" + ids.getLast() + "/cancel", null);
        }
        ApiClient.Response tooMany = api.get("/v1/compare?limit=2&ids=" + String.join(",", ids));
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.body().path("errors").get(0).path("field").asString())
                .isEqualTo("ids");
        ApiClient.Response tooManyMatches = api.get("/v1/compare?limit=2&metadata.experiment=" + run);
        assertThat(tooManyMatches.status()).isEqualTo(422);
        assertThat(tooManyMatches.body().path("errors").get(0).path("field").asString())
                .isEqualTo("limit");
        assertThat(api.get("/v1/compare?limit=3&metadata.experiment=" + run)
                        .body()
                        .path("rows")
                        .size())
                .isEqualTo(3);
        assertThat(api.get("/v1/compare?limit=201&ids=" + ids.getFirst()).status())
                .isEqualTo(422);
        ApiClient.Response malformed = api.get("/v1/compare?ids=" + ids.getFirst() + ",42");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("errors").get(0).path("field").asString())
                .isEqualTo("ids");
        assertThat(api.get("/v1/compare").status()).isEqualTo(400);
        assertThat(api.get("/v1/compare?ids=" + ids.getFirst() + "&format=xml").status())
                .isEqualTo(400);
        ids.forEach(api::awaitTerminal);
    }
}
