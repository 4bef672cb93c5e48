package io.embedmerge.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestCheckpoints;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests meant to exhaust memory, disk or the queue, or to act for another site: each is refused with a problem
 * naming what was too large or not allowed, and leaves no job behind.
 */
class RequestAbuseTest extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_BODY = 1 << 20;

    @LocalServerPort
    int port;

    ApiClient api;
    HttpClient http;
    String base;
    String model;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        base = TestCheckpoints.uri(TestCheckpoints.create(TestCheckpoints.mixedLayout(), 1));
        model = TestCheckpoints.uri(TestCheckpoints.create(TestCheckpoints.mixedLayout(), 2));
    }

    private String merge(int models, String label, String extra) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < models; i++) {
            list.add("{\"uri\": \"" + model + "\""
                    + (i == models - 1 && label != null ? ", \"label\": \"" + label + "\"" : "") + "}");
        }
        return """
                {"kind": "merge", "base": "%s", "models": [%s], "method": {"name": "linear"}%s}""".formatted(base, String.join(",", list), extra);
    }

    private String mergeWith(String extra) {
        return merge(1, null, extra);
    }

    /** The problem's status and type, and (any order) the fields its errors name. */
    private static void assertProblem(ApiClient.Response response, int status, String type, String... fields) {
        assertThat(response.status()).as("%s", response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body().path("type").asString()).isEqualTo(type);
        if (fields.length > 0) {
            List<String> named = new ArrayList<>();
            response.body()
                    .path("errors")
                    .forEach(e -> named.add(e.path("field").asString()));
            assertThat(named).containsExactlyInAnyOrder(fields);
        }
    }

    private ApiClient.Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
            return new ApiClient.Response(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    /** Sends raw bytes (what no well-behaved client sends) and returns the status line. */
    private String raw(byte[] head) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long jobCount() {
        return api.get("/v1/jobs?pageSize=200").body().path("jobs").size();
    }

    @Nested
    class BodySize {

        @Test
        void aBodyOverTheLimitWithContentLengthIs413() {
            String body = mergeWith(", \"output\": \"file:./x\"" + " ".repeat(MAX_BODY));
            ApiClient.Response response = api.post("/v1/jobs", body);
            assertProblem(response, 413, "/problems/request-too-large");
        }

        @Test
        void aChunkedBodyOverTheLimitIsCutOffWhileReading() {
            byte[] body = merge(1, "x".repeat(MAX_BODY + 1000), "").getBytes(StandardCharsets.UTF_8);
            ApiClient.Response response = send(request("/v1/jobs")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
            assertProblem(response, 413, "/problems/request-too-large");
        }

        @Test
        void aChunkedBodyOfWhitespaceOverTheLimitIs413() {
            byte[] body = (" ".repeat(MAX_BODY + 1) + mergeWith("")).getBytes(StandardCharsets.UTF_8);
            ApiClient.Response response = send(request("/v1/jobs")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
            assertProblem(response, 413, "/problems/request-too-large");
        }

        @Test
        void aFiftyMegabyteLabelIsRefusedBeforeItIsRead() {
            String status = raw(("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + (50L << 20)
                            + "\r\n\r\n{\"kind\": \"merge\", \"models\": [{\"label\": \"xxxx")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }

        @Test
        void aBodyJustUnderTheLimitIsAccepted() {
            String body = mergeWith("") + " ".repeat(MAX_BODY - 2000);
            ApiClient.Response response = api.post("/v1/jobs", body);
            assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
            api.post("/v1/jobs/" + response.body().path("id").asString() + "/cancel", null);
        }
    }

    @Nested
    class ModelCount {

        @ParameterizedTest
        @ValueSource(ints = {65, 1000})
        void tooManyModelsAre422NamingModels(int models) {
            long before = jobCount();
            assertProblem(api.post("/v1/jobs", merge(models, null, "")), 422, "/problems/invalid-request", "models");
            assertThat(jobCount()).isEqualTo(before);
        }

        @Test
        void tooManyModelsInAnAnalysisAre422() {
            String body = merge(65, null, "")
                    .replace("\"merge\"", "\"analyze\"")
                    .replace(", \"method\": {\"name\": \"linear\"}", "");
            assertProblem(api.post("/v1/jobs", body), 422, "/problems/invalid-request", "models");
        }

        @Test
        void theLimitItselfIsAccepted() {
            ApiClient.Response response = api.post("/v1/jobs", merge(64, null, ""));
            assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
            api.post("/v1/jobs/" + response.body().path("id").asString() + "/cancel", null);
        }
    }

    @Nested
    class StringLength {

        private static final String LONG = "a".repeat(2049);

        @Test
        void aLongLabelIs422NamingIt() {
            assertProblem(
                    api.post("/v1/jobs", merge(4, LONG, "")), 422, "/problems/invalid-request", "models[3].label");
        }

        @Test
        void aLabelAtTheLimitIsAccepted() {
            ApiClient.Response response = api.post("/v1/jobs", merge(2, "a".repeat(2048), ""));
            assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
            api.post("/v1/jobs/" + response.body().path("id").asString() + "/cancel", null);
        }

        @Test
        void longUrisAndNamesAre422NamingEach() {
            String body = """
                    {"kind": "merge", "base": "file:./%s", "models": [{"uri": "%s", "probe": "%s"}],
                     "method": {"name": "%s", "params": {"mode": "%s", "%s": 1}}, "output": "file:./%s",
                     "evaluation": [{"name": "%s", "task": "sts", "data": "builtin:%s"}]}""".formatted(LONG, model, LONG, LONG, LONG, LONG, LONG, LONG, LONG);
            assertProblem(
                    api.post("/v1/jobs", body),
                    422,
                    "/problems/invalid-request",
                    "base",
                    "evaluation[0].data",
                    "evaluation[0].name",
                    "method.name",
                    "method.params",
                    "method.params.mode",
                    "models[0].probe",
                    "output");
        }

        @Test
        void longStringsInOtherKindsAre422() {
            assertProblem(
                    api.post("/v1/jobs", "{\"kind\": \"import\", \"source\": \"builtin:" + LONG + "\"}"),
                    422,
                    "/problems/invalid-request",
                    "source");
            assertProblem(
                    api.post(
                            "/v1/jobs",
                            "{\"kind\": \"train\", \"base\": \"" + base + "\", \"data\": [{\"uri\": \"" + LONG
                                    + "\"}], \"pipeline\": \"" + LONG + "\"}"),
                    422,
                    "/problems/invalid-request",
                    "data[0].uri",
                    "pipeline");
        }
    }

    @Nested
    class ListLength {

        @Test
        void tooManyEvaluationsAre422() {
            String evaluations =
                    Collections.nCopies(65, "{\"name\": \"e\", \"task\": \"sts\", \"data\": \"builtin:stsb-test\"}")
                            .stream()
                            .collect(Collectors.joining(","));
            assertProblem(
                    api.post("/v1/jobs", mergeWith(", \"evaluation\": [" + evaluations + "]")),
                    422,
                    "/problems/invalid-request",
                    "evaluation");
        }

        @Test
        void tooManyTrainingDatasetsAre422() {
            String data = String.join(",", Collections.nCopies(65, "{\"uri\": \"builtin:stsb-train\"}"));
            assertProblem(
                    api.post("/v1/jobs", "{\"kind\": \"train\", \"base\": \"" + base + "\", \"data\": [" + data + "]}"),
                    422,
                    "/problems/invalid-request",
                    "data");
        }

        @Test
        void aLongListInMethodParametersIs422() {
            String values = String.join(",", Collections.nCopies(65, "0.5"));
            assertProblem(
                    api.post(
                            "/v1/jobs",
                            mergeWith("")
                                    .replace(
                                            "{\"name\": \"linear\"}",
                                            "{\"name\": \"linear\", \"params\": {\"lambda\": [" + values + "]}}")),
                    422,
                    "/problems/invalid-request",
                    "method.params.lambda");
        }
    }

    @Nested
    class IdempotencyKey {

        @Test
        void aKeyLongerThanTheColumnIs400NamingTheHeader() {
            assertProblem(
                    api.post("/v1/jobs", mergeWith(""), "k".repeat(300)),
                    400,
                    "/problems/malformed-request",
                    "Idempotency-Key");
        }

        @Test
        void aKeyAtTheLimitIsAccepted() {
            ApiClient.Response response =
                    api.post("/v1/jobs", mergeWith(""), "k".repeat(250) + System.nanoTime() % 100_000);
            assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
            api.post("/v1/jobs/" + response.body().path("id").asString() + "/cancel", null);
        }

        @ParameterizedTest
        @ValueSource(strings = {"tab\there", "caf\u00e9", ""})
        void aKeyWithOtherThanPrintableAsciiIs400(String key) {
            byte[] body = mergeWith("").getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                            + "Content-Type: application/json\r\nIdempotency-Key: " + key + "\r\nContent-Length: "
                            + body.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = new byte[head.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            assertThat(raw(request)).isEqualTo("HTTP/1.1 400");
        }
    }

    @Nested
    class CrossSite {

        private String queuedJob() {
            ApiClient.Response response = api.post("/v1/jobs", mergeWith(""));
            assertThat(response.status()).isEqualTo(202);
            return response.body().path("id").asString();
        }

        private void assertNotCancelled(String id) {
            JsonNode job = api.get("/v1/jobs/" + id).body();
            assertThat(job.path("status").asString()).isNotEqualTo("CANCELLED");
            assertThat(job.path("cancelRequested").asBoolean(false)).isFalse();
            api.post("/v1/jobs/" + id + "/cancel", null);
        }

        @ParameterizedTest
        @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"})
        void aFormPostFromAnotherSiteCannotCancel(String contentType) {
            String id = queuedJob();
            ApiClient.Response response = send(request("/v1/jobs/" + id + "/cancel")
                    .header("Content-Type", contentType)
                    .header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString("a=1")));
            assertProblem(response, 415, "/problems/unsupported-media-type");
            assertNotCancelled(id);
        }

        @Test
        void aFormPostWithoutOriginIsRefusedToo() {
            String id = queuedJob();
            ApiClient.Response response = send(request("/v1/jobs/" + id + "/cancel")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("")));
            assertProblem(response, 415, "/problems/unsupported-media-type");
            assertNotCancelled(id);
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://evil.example", "null", "http://localhost:1"})
        void aJsonCallFromAForeignOriginIs403(String origin) {
            String id = queuedJob();
            ApiClient.Response response = send(request("/v1/jobs/" + id + "/cancel")
                    .header("Origin", origin)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertProblem(response, 403, "/problems/foreign-origin");
            assertNotCancelled(id);
            ApiClient.Response submit = send(request("/v1/jobs")
                    .header("Origin", origin)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(mergeWith(""))));
            assertProblem(submit, 403, "/problems/foreign-origin");
        }

        @Test
        void sameOriginAndNoOriginCanCancel() {
            String id = queuedJob();
            ApiClient.Response response = send(request("/v1/jobs/" + id + "/cancel")
                    .header("Origin", "http://localhost:" + port)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(response.status()).as("%s", response.body()).isIn(202, 409);
            String other = queuedJob();
            assertThat(send(request("/v1/jobs/" + other + "/cancel").POST(HttpRequest.BodyPublishers.noBody()))
                            .status())
                    .isIn(202, 409);
        }

        @Test
        void corsIsOffByDefault() {
            HttpResponse<String> preflight = send(request("/v1/jobs")
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("Origin", "http://evil.example")
                            .header("Access-Control-Request-Method", "POST"))
                    .raw();
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
            HttpResponse<String> read = send(request("/v1/jobs")
                            .header("Origin", "http://evil.example")
                            .GET())
                    .raw();
            assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }
}
