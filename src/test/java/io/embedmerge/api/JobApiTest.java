package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TensorPacing;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestEnvironment;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The job API over real HTTP: problems, idempotency, listing, events, cancellation, methods and metrics. */
class JobApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    private static String mergeBody(Path base, List<Path> models, String method, String extra) {
        StringBuilder list = new StringBuilder();
        for (Path m : models) {
            list.append(list.isEmpty() ? "" : ",")
                    .append("{\"uri\": \"")
                    .append(TestCheckpoints.uri(m))
                    .append("\"}");
        }
        return """
                {"kind": "merge", "base": "%s", "models": [%s], "method": %s%s}
                """.formatted(TestCheckpoints.uri(base), list, method, extra);
    }

    private String validBody() {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 1);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 2);
        return mergeBody(base, List.of(model), "{\"name\": \"linear\"}", "");
    }

    private static List<String> fields(ApiClient.Response response) {
        List<String> fields = new ArrayList<>();
        response.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }

    @Test
    void invalidRequestsGetProblemDetailsNamingEachField() throws IOException {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 1);
        Path taken = Files.createDirectories(TestEnvironment.storageRoot().resolve("taken-" + UUID.randomUUID()));
        Files.writeString(taken.resolve("x"), "x");
        String body = """
                {"kind": "merge", "base": "file:///etc", "models": [{"uri": "%s"}, {"uri": "%s"}],
                 "method": {"name": "linear", "params": {"lambda": "big", "bogus": 1}}, "output": "%s"}
                """.formatted(
                        TestCheckpoints.uri(base),
                        TestCheckpoints.uri(base.resolveSibling("missing")),
                        TestCheckpoints.uri(taken));
        ApiClient.Response response = api.post("/v1/jobs", body);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(fields(response)).contains("base", "models[1].uri", "output", "method.params.bogus");
        assertThat(response.body().path("detail").asString())
                .contains(
                        "outside the allowed local roots",
                        "does not exist",
                        "already exists",
                        "unknown parameter 'bogus'");

        ApiClient.Response wrongType = api.post(
                "/v1/jobs",
                mergeBody(base, List.of(base), "{\"name\": \"linear\", \"params\": {\"lambda\": \"big\"}}", ""));
        assertThat(wrongType.status()).isEqualTo(422);
        assertThat(fields(wrongType)).containsExactly("method.params.lambda");
        assertThat(wrongType.body().path("errors").get(0).path("message").asString())
                .contains("must be a number");

        ApiClient.Response unknownMethod =
                api.post("/v1/jobs", mergeBody(base, List.of(base), "{\"name\": \"magic\"}", ""));
        assertThat(fields(unknownMethod)).containsExactly("method.name");
        assertThat(unknownMethod.body().path("detail").asString()).contains("linear", "task_arithmetic");

        ApiClient.Response zeroWeights = api.post("/v1/jobs", """
                {"kind": "merge", "base": "%1$s", "models": [{"uri": "%1$s", "weight": 1}, {"uri": "%1$s", "weight": -1}],
                 "method": {"name": "linear"}}""".formatted(TestCheckpoints.uri(base)));
        assertThat(zeroWeights.status()).isEqualTo(422);
        assertThat(zeroWeights.body().path("detail").asString()).contains("sum to zero");
    }

    @Test
    void malformedBodiesAre400WithTheFieldNamed() {
        ApiClient.Response notJson = api.post("/v1/jobs", "{\"kind\": \"merge\", ");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.header("Content-Type")).startsWith("application/problem+json");

        ApiClient.Response noKind = api.post("/v1/jobs", "{\"base\": \"file:./x\"}");
        assertThat(noKind.status()).isEqualTo(400);
        assertThat(fields(noKind)).containsExactly("kind");

        ApiClient.Response badWeight = api.post(
                "/v1/jobs",
                "{\"kind\": \"merge\", \"base\": \"file:./x\", \"models\": [{\"uri\": \"file:./y\", \"weight\": \"heavy\"}]}");
        assertThat(badWeight.status()).isEqualTo(400);
        assertThat(fields(badWeight)).containsExactly("models[0].weight");
        assertThat(badWeight.body().path("errors").get(0).path("message").asString())
                .isEqualTo("must be a number");

        ApiClient.Response badDtype = api.post(
                "/v1/jobs", "{\"kind\": \"merge\", \"base\": \"file:./x\", \"models\": [], \"outputDtype\": \"f8\"}");
        assertThat(fields(badDtype)).containsExactly("outputDtype");
        assertThat(badDtype.body().path("errors").get(0).path("message").asString())
                .contains("bf16", "f16", "f32");

        ApiClient.Response typo = api.post("/v1/jobs", "{\"kind\": \"merge\", \"modles\": []}");
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.body().path("detail").asString()).contains("modles");

        assertThat(api.get("/v1/jobs/not-a-uuid").status()).isEqualTo(400);
        assertThat(api.get("/v1/jobs/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs?status=DONE").status()).isEqualTo(400);
        assertThat(api.get("/v1/jobs?pageSize=0").status()).isEqualTo(422);
        assertThat(api.get("/v1/jobs?pageToken=garbage").status()).isEqualTo(422);
    }

    @Test
    void idempotencyKeyReturnsTheSameJobAndRefusesAnotherBody() {
        String body = validBody();
        String key = UUID.randomUUID().toString();
        ApiClient.Response first = api.post("/v1/jobs", body, key);
        ApiClient.Response again = api.post("/v1/jobs", body, key);
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().path("id").asString())
                .isEqualTo(first.body().path("id").asString());
        ApiClient.Response other = api.post("/v1/jobs", validBody(), key);
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body().path("detail").asString())
                .contains(first.body().path("id").asString());
        api.awaitTerminal(first.body().path("id").asString());
    }

    @Test
    void concurrentRetriesWithOneIdempotencyKeyMakeOneJob() throws Exception {
        String body = validBody();
        String key = UUID.randomUUID().toString();
        List<ApiClient.Response> responses;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new CountDownLatch(1);
            List<Future<ApiClient.Response>> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sent.add(threads.submit(() -> {
                    start.await();
                    return api.post("/v1/jobs", body, key);
                }));
            }
            start.countDown();
            responses = new ArrayList<>();
            for (var response : sent) {
                responses.add(response.get());
            }
        }
        assertThat(responses).extracting(ApiClient.Response::status).containsOnly(202);
        assertThat(responses)
                .extracting(r -> r.body().path("id").asString())
                .containsOnly(responses.getFirst().body().path("id").asString());
        String id = responses.getFirst().body().path("id").asString();
        JsonNode events = api.get("/v1/jobs/" + id + "/events").body();
        long submitted = 0;
        for (JsonNode event : events) {
            submitted += event.path("type").asString().equals("submitted") ? 1 : 0;
        }
        assertThat(submitted).isEqualTo(1);
        api.awaitTerminal(id);
    }

    @Test
    void listingIsNewestFirstWithCursorPagination() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(api.post("/v1/jobs", validBody()).body().path("id").asString());
        }
        mine.forEach(api::awaitTerminal);
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/v1/jobs?kind=merge&status=SUCCEEDED&pageSize=2"
                            + (token == null ? "" : "&pageToken=" + token))
                    .body();
            assertThat(page.path("jobs").size()).isLessThanOrEqualTo(2);
            page.path("jobs").forEach(j -> {
                assertThat(j.path("status").asString()).isEqualTo("SUCCEEDED");
                seen.add(j.path("id").asString());
            });
            token = page.path("nextPageToken").isMissingNode()
                    ? null
                    : page.path("nextPageToken").asString();
            pages++;
        } while (token != null && pages < 1000);
        assertThat(seen).doesNotHaveDuplicates();
        List<String> mineInListOrder = seen.stream().filter(mine::contains).toList();
        assertThat(mineInListOrder).containsExactlyElementsOf(mine.reversed());
    }

    @Test
    void listShowsSummariesUnlessTheFullViewIsAsked() {
        String id = api.post("/v1/jobs", validBody()).body().path("id").asString();
        api.awaitTerminal(id);
        JsonNode summary = api.get("/v1/jobs?pageSize=1").body().path("jobs").get(0);
        assertThat(summary.path("id").asString()).isEqualTo(id);
        assertThat(summary.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(summary.path("pool").asString()).isEqualTo("cpu");
        assertThat(summary.has("progress")).isTrue();
        assertThat(summary.has("request")).isFalse();
        assertThat(summary.has("result")).isFalse();
        JsonNode full =
                api.get("/v1/jobs?pageSize=1&view=full").body().path("jobs").get(0);
        assertThat(full).isEqualTo(api.get("/v1/jobs/" + id).body());
        assertThat(api.get("/v1/jobs?view=everything").status()).isEqualTo(400);
    }

    @Test
    void eventsAreOrderedAndStreamAsServerSentEvents() {
        String id = api.post("/v1/jobs", validBody()).body().path("id").asString();
        HttpResponse<String> stream = api.getText("/v1/jobs/" + id + "/events", "text/event-stream");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(stream.body()).contains("event:submitted", "event:started", "event:progress", "event:succeeded");

        JsonNode events = api.get("/v1/jobs/" + id + "/events").body();
        List<String> types = new ArrayList<>();
        long lastId = 0;
        for (JsonNode e : events) {
            assertThat(e.path("id").asLong()).isGreaterThan(lastId);
            lastId = e.path("id").asLong();
            types.add(e.path("type").asString());
        }
        assertThat(types.getFirst()).isEqualTo("submitted");
        assertThat(types.get(1)).isEqualTo("started");
        assertThat(types.getLast()).isEqualTo("succeeded");
        assertThat(types).contains("progress");
        long afterStart = events.get(1).path("id").asLong();
        assertThat(api.get("/v1/jobs/" + id + "/events?after=" + afterStart)
                        .body()
                        .get(0)
                        .path("id")
                        .asLong())
                .isGreaterThan(afterStart);
        HttpResponse<String> resumed =
                api.getText("/v1/jobs/" + id + "/events?after=" + afterStart, "text/event-stream");
        assertThat(resumed.body()).doesNotContain("event:submitted").contains("event:succeeded");
    }

    @Test
    void cancellingQueuedAndRunningJobsLeavesNoOutput() throws IOException {
        Map<String, String> manyTensors = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            manyTensors.put("layer." + i + ".weight:F32", "8x8");
        }
        Path base = TestCheckpoints.create(manyTensors, 1);
        Path model = TestCheckpoints.create(manyTensors, 2);
        TensorPacing.delayMillis = 100;
        try {
            String running = api.post("/v1/jobs", mergeBody(base, List.of(model), "{\"name\": \"linear\"}", ""))
                    .body()
                    .path("id")
                    .asString();
            api.awaitJob(
                    running,
                    j -> j.path("progress").path("stage").asString().equals("merging")
                            && j.path("progress").path("fraction").asDouble() > 0,
                    Duration.ofSeconds(30));
            String queued = api.post("/v1/jobs", mergeBody(base, List.of(model), "{\"name\": \"linear\"}", ""))
                    .body()
                    .path("id")
                    .asString();

            ApiClient.Response cancelQueued = api.post("/v1/jobs/" + queued + "/cancel", null);
            assertThat(cancelQueued.status()).isEqualTo(202);
            assertThat(cancelQueued.body().path("status").asString()).isEqualTo("CANCELLED");

            ApiClient.Response cancelRunning = api.post("/v1/jobs/" + running + "/cancel", null);
            assertThat(cancelRunning.status()).isEqualTo(202);
            assertThat(cancelRunning.body().path("cancelRequested").asBoolean()).isTrue();
            JsonNode stopped =
                    api.awaitJob(running, j -> j.path("status").asString().equals("CANCELLED"), Duration.ofSeconds(10));
            assertThat(stopped.path("progress").path("fraction").asDouble()).isLessThan(1.0);

            assertThat(api.post("/v1/jobs/" + running + "/cancel", null).status())
                    .isEqualTo(409);
            Path outputs = TestEnvironment.storageRoot().resolve("outputs");
            try (Stream<Path> entries = Files.exists(outputs) ? Files.list(outputs) : Stream.empty()) {
                assertThat(entries.map(p -> p.getFileName().toString()))
                        .noneMatch(name -> name.contains(running) || name.contains(queued));
            }
            JsonNode queuedNow = api.get("/v1/jobs/" + queued).body();
            assertThat(queuedNow.path("status").asString()).isEqualTo("CANCELLED");
            assertThat(queuedNow.path("attempt").asInt()).isZero();
        } finally {
            TensorPacing.delayMillis = 0;
        }
    }

    @Test
    void checkpointsWithOtherTensorsFailTheJobNamingTheTensor() {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 1);
        Map<String, String> otherShape = new LinkedHashMap<>(TestCheckpoints.mixedLayout());
        otherShape.put("encoder.layer.0.output.dense.weight:F32", "16x47");
        Map<String, String> missing = new LinkedHashMap<>(TestCheckpoints.mixedLayout());
        missing.remove("pooler.dense.bias:F32");

        String shapeJob = api.post(
                        "/v1/jobs",
                        mergeBody(base, List.of(TestCheckpoints.create(otherShape, 2)), "{\"name\": \"linear\"}", ""))
                .body()
                .path("id")
                .asString();
        JsonNode failed = api.awaitTerminal(shapeJob);
        assertThat(failed.path("status").asString()).isEqualTo("FAILED");
        assertThat(failed.path("error").path("code").asString()).isEqualTo("INVALID_CHECKPOINT");
        assertThat(failed.path("error").path("message").asString())
                .contains("encoder.layer.0.output.dense.weight", "[16, 47]", "models[0]");

        String missingJob = api.post(
                        "/v1/jobs",
                        mergeBody(
                                base,
                                List.of(TestCheckpoints.create(missing, 3)),
                                "{\"name\": \"task_arithmetic\"}",
                                ""))
                .body()
                .path("id")
                .asString();
        JsonNode failed2 = api.awaitTerminal(missingJob);
        assertThat(failed2.path("error").path("message").asString()).contains("pooler.dense.bias", "models[0]");
        assertThat(TestEnvironment.storageRoot().resolve("outputs").resolve(shapeJob))
                .doesNotExist();
    }

    @Test
    void methodsAreListedWithParametersAndDefaults() {
        JsonNode methods = api.get("/v1/methods").body();
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        methods.forEach(m -> byName.put(m.path("name").asString(), m));
        assertThat(byName).containsKeys("linear", "task_arithmetic");
        JsonNode linearNormalize = null;
        for (JsonNode p : byName.get("linear").path("params")) {
            if (p.path("name").asString().equals("normalize")) {
                linearNormalize = p;
            }
        }
        assertThat(linearNormalize).isNotNull();
        assertThat(linearNormalize.path("type").asString()).isEqualTo("BOOLEAN");
        assertThat(linearNormalize.path("defaultValue").asBoolean()).isTrue();
        assertThat(byName.get("task_arithmetic").path("params").toString()).contains("\"defaultValue\":false");
        assertThat(byName.get("linear").path("description").asString()).isNotBlank();
    }

    @Test
    void prometheusExposesJobAndMergeMetrics() {
        api.awaitTerminal(api.post("/v1/jobs", validBody()).body().path("id").asString());
        String metrics = api.getText("/actuator/prometheus", "text/plain").body();
        assertThat(metrics)
                .contains(
                        "merge_jobs{status=\"SUCCEEDED\"}",
                        "merge_queue_depth",
                        "merge_job_duration_seconds_count{kind=\"merge\",outcome=\"succeeded\"}",
                        "merge_bytes_written_bytes_total");
    }

    @Test
    void analyzeJobsReportStatisticsAndAnHtmlPage() {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 41);
        Path a = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 42);
        Path b = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 43);
        ApiClient.Response submitted = api.post(
                "/v1/jobs", """
                {"kind": "analyze", "base": "%s", "models": [{"uri": "%s", "label": "sts <a>"}, {"uri": "%s", "label": "nli"}],
                 "density": 0.3}""".formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(a), TestCheckpoints.uri(b)));
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        JsonNode job = api.awaitTerminal(submitted.body().path("id").asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode analysis = job.path("result").path("analysis");
        assertThat(analysis.path("labels").toString()).contains("sts <a>", "nli");
        assertThat(analysis.path("model").path("angleDegrees").get(0).get(1).asDouble())
                .isBetween(0.0, 180.0);
        assertThat(analysis.path("layers").size()).isEqualTo(3);

        HttpResponse<String> page = api.getText("/v1/jobs/" + job.path("id").asString() + "/report", "text/html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body())
                .contains("<svg", "Angles between task vectors", "encoder.layer.0", "sts &lt;a&gt;")
                .doesNotContain("sts <a>");

        ApiClient.Response badDensity =
                api.post("/v1/jobs", """
                {"kind": "analyze", "base": "%s", "models": [{"uri": "%s"}], "density": 1.5}""".formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(a)));
        assertThat(badDensity.status()).isEqualTo(422);
        assertThat(fields(badDensity)).containsExactly("density");
    }
}
