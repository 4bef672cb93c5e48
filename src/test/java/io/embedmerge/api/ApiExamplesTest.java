package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The examples of the served OpenAPI description: every job kind has a request example that is valid against its
 * schema and accepted by the service; every error response has its own example, valid against Problem, that matches
 * what the service answers when that error is provoked.
 */
public class ApiExamplesTest extends ServedDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROBLEM = "application/problem+json";
    /** Examples name files under the default storage root ./data; here they live under the test's root. */
    private static final Pattern DEFAULT_ROOT_URI = Pattern.compile("file:\\./data/([^\"]+)");

    @Test
    void everyJobKindHasARequestExampleValidAgainstItsSchema() {
        JsonNode mapping = document.at("/components/schemas/JobRequest/discriminator/mapping");
        JsonNode examples = requestExamples();
        assertThat(examples.propertyNames()).containsExactlyInAnyOrderElementsOf(mapping.propertyNames());
        for (String kind : mapping.propertyNames()) {
            JsonNode value = examples.path(kind).path("value");
            assertThat(value.path("kind").asString()).as("example %s", kind).isEqualTo(kind);
            assertThat(schemas.problems(mapping.path(kind).asString(), value))
                    .as("example %s", kind)
                    .isEmpty();
            assertThat(schemas.problems("#/components/schemas/JobRequest", value))
                    .as("example %s", kind)
                    .isEmpty();
        }
    }

    @Test
    void everyRequestExampleIsAccepted() {
        for (String kind : requestExamples().propertyNames()) {
            ApiClient.Response response = api.post(
                    "/v1/jobs", submittable(requestExamples().path(kind).path("value")));
            assertThat(response.status())
                    .as("example %s: %s", kind, response.body())
                    .isEqualTo(202);
            api.post("/v1/jobs/" + response.body().path("id").asString() + "/cancel", null);
        }
    }

    @Test
    void everyErrorResponseHasItsOwnExampleValidAgainstProblem() {
        Map<String, JsonNode> examples = errorExamples(document);
        assertThat(examples).isNotEmpty();
        examples.forEach((name, example) -> {
            assertThat(schemas.problems("#/components/schemas/Problem", example))
                    .as(name)
                    .isEmpty();
            assertThat(example.path("status").asString()).as(name).isEqualTo(name.split(" ")[1]);
        });
        document.path("paths")
                .forEach(path -> path.forEach(operation -> operation
                        .path("responses")
                        .properties()
                        .forEach(response -> {
                            if (response.getKey().startsWith("4")) {
                                assertThat(response.getValue()
                                                .at("/content/" + PROBLEM.replace("/", "~1") + "/examples")
                                                .size())
                                        .as(
                                                "%s %s",
                                                operation.path("operationId").asString(), response.getKey())
                                        .isPositive();
                            }
                        })));
    }

    @Test
    void everyErrorExampleIsWhatTheServiceAnswers() {
        Map<String, Supplier<HttpResponse<String>>> triggers = triggers();
        Map<String, JsonNode> examples = errorExamples(document);
        examples.keySet().removeIf(ApiExamplesTest::securedOnly);
        assertThat(triggers.keySet()).containsExactlyInAnyOrderElementsOf(examples.keySet());
        examples.forEach((name, example) ->
                matches(schemas, name, example, triggers.get(name).get()));
    }

    /** Errors only a service with authentication answers; SecurityApiTest provokes them. */
    public static boolean securedOnly(String exampleKey) {
        return exampleKey.matches(".* (401 unauthorized|403 insufficientScope|429 quotaExceeded)");
    }

    /** Asserts that the answer is a problem of the example's type, title, status and error fields. */
    public static void matches(SchemaCheck schemas, String name, JsonNode example, HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .as(name)
                .startsWith(PROBLEM);
        JsonNode actual = JSON.readTree(response.body());
        assertThat(schemas.problems("#/components/schemas/Problem", actual))
                .as(name)
                .isEmpty();
        for (String field : List.of("type", "title", "status")) {
            assertThat(actual.path(field)).as("%s %s: %s", name, field, actual).isEqualTo(example.path(field));
        }
        assertThat(fields(actual)).as("%s errors: %s", name, actual).isEqualTo(fields(example));
    }

    /** How to provoke each documented error, keyed "operationId status exampleName". */
    private Map<String, Supplier<HttpResponse<String>>> triggers() {
        String unknown = UUID.randomUUID().toString();
        String accepted = submittable(requestExamples().path("import").path("value"));
        Map<String, Supplier<HttpResponse<String>>> t = new LinkedHashMap<>();
        t.put("submitJob 400 malformedJson", () -> send("POST", "/v1/jobs", "{\"kind\": \"merge\", \"base\": ", null));
        t.put("submitJob 400 unknownKind", () -> send("POST", "/v1/jobs", "{\"kind\": \"blend\"}", null));
        t.put(
                "submitJob 400 wrongType",
                () -> send("POST", "/v1/jobs", "{\"kind\": \"merge\", \"seed\": \"forty-two\"}", null));
        t.put("submitJob 409 idempotencyKeyReused", () -> {
            String key = UUID.randomUUID().toString();
            cancel(JSON.readTree(send("POST", "/v1/jobs", accepted, key).body())
                    .path("id")
                    .asString());
            return send("POST", "/v1/jobs", accepted.replace("256", "128"), key);
        });
        t.put("submitJob 422 invalidJob", () -> send("POST", "/v1/jobs", submittable(JSON.readTree("""
                {"kind": "merge", "base": "file:./data/models/base",
                 "models": [{"uri": "file:./data/models/sts"}, {"uri": "file:./data/models/missing"}],
                 "method": {"name": "ties", "params": {"density": 1.5}}}""")), null));
        t.put("submitJob 400 badIdempotencyKey", () -> send("POST", "/v1/jobs", accepted, "k".repeat(300)));
        t.put(
                "submitJob 403 foreignOrigin",
                () -> sendAs("POST", "/v1/jobs", accepted, "application/json", "http://evil.example"));
        t.put("submitJob 413 requestTooLarge", () -> send("POST", "/v1/jobs", accepted + " ".repeat(1 << 20), null));
        t.put(
                "submitJob 415 formPost",
                () -> sendAs("POST", "/v1/jobs", "kind=merge", "application/x-www-form-urlencoded", null));
        t.put(
                "submitJob 422 tooManyModels",
                () -> send(
                        "POST",
                        "/v1/jobs",
                        "{\"kind\": \"merge\", \"models\": ["
                                + String.join(",", java.util.Collections.nCopies(1000, "{}")) + "]}",
                        null));
        t.put("getJob 400 badJobId", () -> send("GET", "/v1/jobs/42", null, null));
        t.put("getJob 404 unknownJob", () -> send("GET", "/v1/jobs/" + unknown, null, null));
        t.put("listJobs 400 badStatus", () -> send("GET", "/v1/jobs?status=DONE", null, null));
        t.put("listJobs 422 badPageSize", () -> send("GET", "/v1/jobs?pageSize=500", null, null));
        t.put("cancelJob 400 badJobId", () -> send("POST", "/v1/jobs/42/cancel", null, null));
        t.put(
                "cancelJob 403 foreignOrigin",
                () -> sendAs("POST", "/v1/jobs/" + unknown + "/cancel", null, null, "http://evil.example"));
        t.put(
                "cancelJob 415 formPost",
                () -> sendAs("POST", "/v1/jobs/" + unknown + "/cancel", "", "application/x-www-form-urlencoded", null));
        t.put("cancelJob 404 unknownJob", () -> send("POST", "/v1/jobs/" + unknown + "/cancel", null, null));
        t.put("cancelJob 409 alreadyEnded", () -> {
            String id = JSON.readTree(send("POST", "/v1/jobs", accepted, null).body())
                    .path("id")
                    .asString();
            cancel(id);
            api.awaitTerminal(id);
            return send("POST", "/v1/jobs/" + id + "/cancel", null, null);
        });
        t.put("getJobReport 400 badJobId", () -> send("GET", "/v1/jobs/42/report", null, null, "text/html"));
        t.put(
                "getJobReport 404 unknownJob",
                () -> send("GET", "/v1/jobs/" + unknown + "/report", null, null, "text/html"));
        t.put("listJobEvents 400 badJobId", () -> send("GET", "/v1/jobs/42/events", null, null));
        t.put("listJobEvents 404 unknownJob", () -> send("GET", "/v1/jobs/" + unknown + "/events", null, null));
        t.put("getJob 400 badWait", () -> send("GET", "/v1/jobs/" + unknown + "?wait=soon", null, null));
        t.put("listJobs 400 badMetadataFilter", () -> send("GET", "/v1/jobs?metadata.a%20b=x", null, null));
        t.put(
                "createWebhook 422 invalidWebhook",
                () -> send("POST", "/v1/webhooks", "{\"url\": \"http://ci.example.com/hook\"}", null));
        t.put("deleteWebhook 404 unknownWebhook", () -> send("DELETE", "/v1/webhooks/" + unknown, null, null));
        t.put(
                "rotateWebhookSecret 404 unknownWebhook",
                () -> send("POST", "/v1/webhooks/" + unknown + "/rotate", null, null));
        t.put("listJobDeliveries 404 unknownJob", () -> send("GET", "/v1/jobs/" + unknown + "/deliveries", null, null));
        t.put("submitJob 422 unsupportedMergekitKey", () -> sendAs("POST", "/v1/jobs", """
                merge_method: ties
                base_model: file:./data/models/base
                models:
                  - model: file:./data/models/sts
                    parameters:
                      foo: 1
                """, "application/yaml", null));
        t.put(
                "getJobMergekitConfig 400 badJobId",
                () -> send("GET", "/v1/jobs/42/mergekit.yaml", null, null, "application/yaml"));
        t.put(
                "getJobMergekitConfig 404 unknownJob",
                () -> send("GET", "/v1/jobs/" + unknown + "/mergekit.yaml", null, null, "application/yaml"));
        t.put("getJobMergekitConfig 409 notAMerge", () -> {
            String id = JSON.readTree(send("POST", "/v1/jobs", accepted, null).body())
                    .path("id")
                    .asString();
            cancel(id);
            return send("GET", "/v1/jobs/" + id + "/mergekit.yaml", null, null, "application/yaml");
        });
        t.put("compareJobs 400 badIds", () -> send("GET", "/v1/compare?ids=42", null, null));
        t.put("compareJobs 400 noSelection", () -> send("GET", "/v1/compare", null, null));
        t.put("compareJobs 400 badMetadataFilter", () -> send("GET", "/v1/compare?metadata.a%20b=x", null, null));
        t.put("compareJobs 404 unknownJob", () -> send("GET", "/v1/compare?ids=" + unknown, null, null));
        t.put(
                "compareJobs 422 tooManyIds",
                () -> send(
                        "GET",
                        "/v1/compare?ids="
                                + String.join(
                                        ",",
                                        java.util.stream.Stream.generate(
                                                        () -> UUID.randomUUID().toString())
                                                .limit(51)
                                                .toList()),
                        null,
                        null));
        t.put("compareJobs 422 tooManyMatches", () -> {
            String run = UUID.randomUUID().toString();
            for (int i = 0; i < 2; i++) {
                cancel(JSON.readTree(send(
                                        "POST",
                                        "/v1/jobs",
                                        "{\"kind\": \"import\", \"source\": "
                                                + "\"builtin:all-minilm-l6-v2\", \"metadata\": {\"run\": \"" + run
                                                + "\"}}",
                                        null)
                                .body())
                        .path("id")
                        .asString());
            }
            return send("GET", "/v1/compare?limit=1&metadata.run=" + run, null, null);
        });
        t.put("compareJobs 422 badLimit", () -> send("GET", "/v1/compare?limit=500&ids=" + unknown, null, null));
        t.put("listMethods 406 notAcceptable", () -> send("GET", "/v1/methods", null, null, "application/xml"));
        t.put("listDatasets 406 notAcceptable", () -> send("GET", "/v1/datasets", null, null, "application/xml"));
        return t;
    }

    private JsonNode requestExamples() {
        return document.at("/paths/~1v1~1jobs/post/requestBody/content/application~1json/examples");
    }

    /** Every documented error example, keyed "operationId status exampleName". */
    public static Map<String, JsonNode> errorExamples(JsonNode document) {
        Map<String, JsonNode> examples = new LinkedHashMap<>();
        document.path("paths")
                .forEach(path -> path.forEach(operation -> operation
                        .path("responses")
                        .properties()
                        .forEach(response -> response.getValue()
                                .at("/content/" + PROBLEM.replace("/", "~1") + "/examples")
                                .properties()
                                .forEach(example -> examples.put(
                                        operation.path("operationId").asString() + " " + response.getKey() + " "
                                                + example.getKey(),
                                        example.getValue().path("value"))))));
        return examples;
    }

    private static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }

    /** The example with ./data moved to the test's storage root, and a small checkpoint wherever it names one. */
    static String submittable(JsonNode example) {
        Matcher m = DEFAULT_ROOT_URI.matcher(example.toString());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Path target = TestEnvironment.storageRoot().resolve(m.group(1));
            if (!m.group(1).contains("missing")) {
                ensureCheckpoint(target);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(target.toUri().toString()));
        }
        return m.appendTail(out).toString();
    }

    private static synchronized void ensureCheckpoint(Path target) {
        if (Files.exists(target)) {
            return;
        }
        try {
            Files.createDirectories(target.getParent());
            Files.move(TestCheckpoints.create(TestCheckpoints.mixedLayout(), target.hashCode()), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void cancel(String id) {
        send("POST", "/v1/jobs/" + id + "/cancel", null, null);
    }

    private HttpResponse<String> send(String method, String path, String body, String idempotencyKey) {
        return send(method, path, body, idempotencyKey, "application/json");
    }

    /** A request as a browser might send it for another site: any content type, an Origin header. */
    private HttpResponse<String> sendAs(String method, String path, String body, String contentType, String origin) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Accept", "application/json");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return send(request);
    }

    private HttpResponse<String> send(String method, String path, String body, String idempotencyKey, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Accept", accept);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
