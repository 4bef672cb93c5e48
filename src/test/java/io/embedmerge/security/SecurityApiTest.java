package io.embedmerge.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.EmbedMergeApplication;
import io.embedmerge.api.ApiExamplesTest;
import io.embedmerge.api.SchemaCheck;
import io.embedmerge.support.ApiClient;
import io.embedmerge.support.TensorPacing;
import io.embedmerge.support.TestAuthorizationServer;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The secured service end to end: a real authorization server issues client-credentials tokens that the service
 * validates through the issuer's JWK set; two tenants with their own storage roots; API keys; quotas.
 */
@SpringBootTest(classes = EmbedMergeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TensorPacing.class)
class SecurityApiTest {

    private static final TestAuthorizationServer ISSUER = TestAuthorizationServer.start();
    private static final TestAuthorizationServer OTHER_ISSUER = TestAuthorizationServer.start();
    private static final String TEAM_A_KEY = "team-a-key-" + UUID.randomUUID();
    private static final String QUOTA_KEY = "quota-key-" + UUID.randomUUID();
    private static final String BYTES_KEY = "bytes-key-" + UUID.randomUUID();
    private static final String BURST_KEY = "burst-key-" + UUID.randomUUID();
    private static final String NO_SCOPE_KEY = "no-scope-key-" + UUID.randomUUID();
    private static final Path ROOT_A =
            TestEnvironment.storageRoot().resolve("tenants").resolve("team-a");
    private static final Path ROOT_B =
            TestEnvironment.storageRoot().resolve("tenants").resolve("team-b");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Map<String, String> p = TestEnvironment.properties(TestEnvironment.newSchema("test"));
        p.put("merge.security.jwt.issuer-uri", ISSUER.issuer());
        p.put("merge.security.jwt.audiences[0]", TestAuthorizationServer.AUDIENCE);
        apiKey(p, 0, "ci", TEAM_A_KEY, "ci-bot", "team-a");
        apiKey(p, 1, "quota", QUOTA_KEY, "quota-bot", "team-q");
        p.put("merge.security.api-keys[2].sha256", HexFormat.of().formatHex(ApiKeys.sha256(NO_SCOPE_KEY)));
        p.put("merge.security.api-keys[2].owner", "nobody");
        p.put("merge.security.api-keys[2].tenant", "team-a");
        p.put("merge.tenants.team-a.local-roots[0]", ROOT_A.toString());
        p.put("merge.tenants.team-b.local-roots[0]", ROOT_B.toString());
        p.put("merge.tenants.team-q.max-active-jobs", "1");
        apiKey(p, 3, "bytes", BYTES_KEY, "bytes-bot", "team-d");
        p.put("merge.tenants.team-d.max-bytes-per-day", "1KB");
        apiKey(p, 4, "burst", BURST_KEY, "burst-bot", "team-r");
        p.put("merge.tenants.team-r.max-active-jobs", "2");
        p.forEach((k, v) -> registry.add(k, () -> v));
    }

    private static void apiKey(Map<String, String> p, int i, String name, String key, String owner, String tenant) {
        String prefix = "merge.security.api-keys[" + i + "].";
        p.put(prefix + "name", name);
        p.put(prefix + "sha256", HexFormat.of().formatHex(ApiKeys.sha256(key)));
        p.put(prefix + "owner", owner);
        p.put(prefix + "tenant", tenant);
        p.put(prefix + "scopes[0]", "jobs:read");
        p.put(prefix + "scopes[1]", "jobs:write");
    }

    @AfterAll
    static void stopIssuers() {
        ISSUER.close();
        OTHER_ISSUER.close();
    }

    private ApiClient as(String client) {
        return new ApiClient(port).withBearer(ISSUER.token(client));
    }

    /** A checkpoint folder inside the given root. */
    private static Path checkpointIn(Path root, long seed) {
        try {
            Files.createDirectories(root);
            Path created = TestCheckpoints.create(TestCheckpoints.mixedLayout(), seed);
            return Files.move(created, root.resolve(created.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String merge(String base, String model, String output) {
        return """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"}%s}
                """.formatted(base, model, output == null ? "" : ", \"output\": \"" + output + "\"");
    }

    private static String uri(Path path) {
        return TestCheckpoints.uri(path);
    }

    private static List<String> ids(ApiClient.Response page) {
        List<String> ids = new ArrayList<>();
        page.body().path("jobs").forEach(j -> ids.add(j.path("id").asString()));
        return ids;
    }

    @Test
    void eachTenantSubmitsListsReadsAndCancelsOnlyItsOwnJobs() {
        ApiClient a = as("team-a-writer");
        ApiClient b = as("team-b-writer");
        ApiClient.Response submittedA =
                a.post("/v1/jobs", merge(uri(checkpointIn(ROOT_A, 1)), uri(checkpointIn(ROOT_A, 2)), null), "same-key");
        ApiClient.Response submittedB =
                b.post("/v1/jobs", merge(uri(checkpointIn(ROOT_B, 3)), uri(checkpointIn(ROOT_B, 4)), null), "same-key");
        assertThat(submittedA.status()).as(submittedA.raw().body()).isEqualTo(202);
        assertThat(submittedB.status()).as(submittedB.raw().body()).isEqualTo(202);
        String jobA = submittedA.body().path("id").asString();
        String jobB = submittedB.body().path("id").asString();
        assertThat(jobA).as("idempotency keys are per tenant").isNotEqualTo(jobB);
        assertThat(submittedA.body().path("tenant").asString()).isEqualTo("team-a");
        assertThat(submittedA.body().path("owner").asString()).isEqualTo("team-a-writer");

        assertThat(ids(a.get("/v1/jobs"))).contains(jobA).doesNotContain(jobB);
        assertThat(ids(b.get("/v1/jobs"))).contains(jobB).doesNotContain(jobA);
        assertThat(ids(as("operator").get("/v1/jobs")))
                .as("admin sees all tenants")
                .contains(jobA, jobB);

        for (String path :
                List.of("/v1/jobs/" + jobB, "/v1/jobs/" + jobB + "/events", "/v1/jobs/" + jobB + "/report")) {
            assertThat(a.get(path).status()).as(path).isEqualTo(404);
        }
        assertThat(a.post("/v1/jobs/" + jobB + "/cancel", null).status()).isEqualTo(404);
        assertThat(a.get("/v1/jobs/" + jobA).status()).isEqualTo(200);
        // a comparison answers for another tenant's id exactly as for an unknown one
        String unknown = UUID.randomUUID().toString();
        ApiClient.Response foreign = a.get("/v1/compare?ids=" + jobA + "," + jobB);
        ApiClient.Response missing = a.get("/v1/compare?ids=" + jobA + "," + unknown);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.raw().body().replace(jobB, "ID"))
                .isEqualTo(missing.raw().body().replace(unknown, "ID"));
        assertThat(b.get("/v1/compare?ids=" + jobB).status()).isEqualTo(200);
        assertThat(as("operator").get("/v1/compare?ids=" + jobA + "," + jobB).status())
                .as("admin")
                .isEqualTo(200);
        assertThat(b.post("/v1/jobs/" + jobB + "/cancel", null).status()).isIn(202, 409);
        assertThat(a.post("/v1/jobs/" + jobA + "/cancel", null).status()).isIn(202, 409);

        JsonNode submittedEvent = a.get("/v1/jobs/" + jobA + "/events").body().get(0);
        assertThat(submittedEvent.path("type").asString()).isEqualTo("submitted");
        assertThat(submittedEvent.path("data").path("by").path("tenant").asString())
                .isEqualTo("team-a");
        assertThat(a.awaitTerminal(jobA).path("status").asString()).isIn("SUCCEEDED", "CANCELLED");
    }

    @Test
    void aComparisonByMetadataTakesOnlyTheCallersJobs() {
        String run = UUID.randomUUID().toString();
        String labelled = ", \"metadata\": {\"run\": \"" + run + "\"}}";
        ApiClient a = as("team-a-writer");
        ApiClient b = as("team-b-writer");
        String jobA = a.post(
                        "/v1/jobs",
                        merge(uri(checkpointIn(ROOT_A, 31)), uri(checkpointIn(ROOT_A, 32)), null)
                                .strip()
                                .replaceFirst("}$", labelled))
                .body()
                .path("id")
                .asString();
        String jobB = b.post(
                        "/v1/jobs",
                        merge(uri(checkpointIn(ROOT_B, 33)), uri(checkpointIn(ROOT_B, 34)), null)
                                .strip()
                                .replaceFirst("}$", labelled))
                .body()
                .path("id")
                .asString();
        List<String> seen = new ArrayList<>();
        a.get("/v1/compare?metadata.run=" + run)
                .body()
                .path("rows")
                .forEach(r -> seen.add(r.path("job").asString()));
        assertThat(seen).containsExactly(jobA);
        assertThat(as("operator")
                        .get("/v1/compare?metadata.run=" + run)
                        .body()
                        .path("rows")
                        .size())
                .isEqualTo(2);
        a.awaitTerminal(jobA);
        b.awaitTerminal(jobB);
    }

    @Test
    void aJobNeverTakesAnotherTenantsCheckpoint() throws IOException {
        ApiClient a = as("team-a-writer");
        Path ownBase = checkpointIn(ROOT_A, 5);
        Path ownModel = checkpointIn(ROOT_A, 6);
        Path theirs = checkpointIn(ROOT_B, 7);
        Path linkToTheirs = Files.createSymbolicLink(ROOT_A.resolve("link-" + UUID.randomUUID()), theirs);
        Path fileLink = checkpointIn(ROOT_A, 8);
        Files.delete(fileLink.resolve("model.safetensors"));
        Files.createSymbolicLink(fileLink.resolve("model.safetensors"), theirs.resolve("model.safetensors"));
        String encoded = uri(ROOT_A) + "/%2e%2e/team-b/" + theirs.getFileName();

        Map<String, String> bases = new java.util.LinkedHashMap<>();
        bases.put("another tenant's folder", uri(theirs));
        bases.put("'..' out of the own root", uri(ROOT_A) + "/../team-b/" + theirs.getFileName());
        bases.put("encoded '..'", encoded);
        bases.put("a link to another tenant's folder", uri(linkToTheirs));
        bases.put("a file linked into another tenant's folder", uri(fileLink));
        bases.put("an absolute path outside every root", "file:///etc");
        bases.put("a plain path", ownBase.toString());
        bases.put("another scheme", "http://example.com/model");
        bases.put("S3 when not configured", "s3://models/team-b/model");
        bases.put(
                "the shared root around the tenants",
                uri(TestEnvironment.storageRoot().resolve("tenants")));
        for (var probe : bases.entrySet()) {
            ApiClient.Response response = a.post("/v1/jobs", merge(probe.getValue(), uri(ownModel), null));
            assertThat(response.status())
                    .as(probe.getKey() + ": " + response.raw().body())
                    .isEqualTo(422);
            assertThat(response.body().path("errors").get(0).path("field").asString())
                    .as(probe.getKey())
                    .isEqualTo("base");
        }

        Map<String, String> outputs = Map.of(
                "overwrites an input", uri(ownModel),
                "inside another tenant's folder", uri(ROOT_B.resolve("stolen-" + UUID.randomUUID())),
                "through a link into another tenant's root", uri(linkToTheirs.resolve("out")));
        for (var probe : outputs.entrySet()) {
            ApiClient.Response response = a.post("/v1/jobs", merge(uri(ownBase), uri(ownModel), probe.getValue()));
            assertThat(response.status())
                    .as(probe.getKey() + ": " + response.raw().body())
                    .isEqualTo(422);
            assertThat(response.body().path("errors").get(0).path("field").asString())
                    .as(probe.getKey())
                    .isEqualTo("output");
        }

        ApiClient.Response own = a.post("/v1/jobs", merge(uri(ownBase), uri(ownModel), null));
        assertThat(own.status()).as(own.raw().body()).isEqualTo(202);
        JsonNode done = a.awaitTerminal(own.body().path("id").asString());
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.path("result").path("output").path("uri").asString())
                .as("the tenant's default output")
                .startsWith(uri(ROOT_A));
    }

    @Test
    void scopesDecideWhatACallerMayDo() {
        ApiClient reader = as("team-a-reader");
        assertThat(reader.get("/v1/jobs").status()).isEqualTo(200);
        ApiClient.Response submit =
                reader.post("/v1/jobs", merge(uri(checkpointIn(ROOT_A, 9)), uri(checkpointIn(ROOT_A, 10)), null));
        assertThat(submit.status()).isEqualTo(403);
        assertThat(submit.header("WWW-Authenticate")).contains("insufficient_scope");
        assertThat(submit.body().path("type").asString()).isEqualTo("/problems/forbidden");
    }

    @Test
    void badTokensAreRefusedWith401AndAChallenge() {
        Map<String, ApiClient> callers = Map.of(
                "no token", new ApiClient(port),
                "expired", as("team-a-expired"),
                "another issuer", new ApiClient(port).withBearer(OTHER_ISSUER.token("team-a-writer")),
                "wrong audience", as("team-a-other-audience"),
                "garbage", new ApiClient(port).withBearer("not-a-token"),
                "wrong API key", new ApiClient(port).withHeader("X-API-Key", "wrong-" + TEAM_A_KEY));
        callers.forEach((name, api) -> {
            ApiClient.Response response = api.get("/v1/jobs");
            assertThat(response.status()).as(name).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).as(name).startsWith("Bearer");
            assertThat(response.body().path("type").asString()).as(name).isEqualTo("/problems/unauthorized");
            assertThat(response.raw().body()).as(name).doesNotContain(TEAM_A_KEY);
        });
    }

    @Test
    void apiKeysWorkAsBearerTokenAndInXApiKey() {
        ApiClient bearer = new ApiClient(port).withBearer(TEAM_A_KEY);
        ApiClient header = new ApiClient(port).withHeader("X-API-Key", TEAM_A_KEY);
        ApiClient.Response submitted =
                bearer.post("/v1/jobs", merge(uri(checkpointIn(ROOT_A, 11)), uri(checkpointIn(ROOT_A, 12)), null));
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        assertThat(submitted.body().path("owner").asString()).isEqualTo("ci-bot");
        assertThat(header.get("/v1/jobs/" + submitted.body().path("id").asString())
                        .status())
                .isEqualTo(200);
        assertThat(as("team-b-writer")
                        .get("/v1/jobs/" + submitted.body().path("id").asString())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void overTheActiveJobsQuotaASubmitIs429NamingTheLimit() {
        ApiClient quota = new ApiClient(port).withHeader("X-API-Key", QUOTA_KEY);
        TensorPacing.delayMillis = 300;
        try {
            ApiClient.Response first = quota.post(
                    "/v1/jobs",
                    merge(
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 13)),
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 14)),
                            null));
            assertThat(first.status()).as(first.raw().body()).isEqualTo(202);
            ApiClient.Response second = quota.post(
                    "/v1/jobs",
                    merge(
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 15)),
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 16)),
                            null));
            assertThat(second.status()).as(second.raw().body()).isEqualTo(429);
            assertThat(second.header("Retry-After")).isEqualTo("30");
            assertThat(second.body().path("limit").asString()).isEqualTo("active-jobs");
            assertThat(second.body().path("type").asString()).isEqualTo("/problems/quota-exceeded");
            quota.post("/v1/jobs/" + first.body().path("id").asString() + "/cancel", null);
        } finally {
            TensorPacing.delayMillis = 0;
        }
    }

    /** Twelve submits at once against a quota of two active jobs: exactly two get in, whatever the timing. */
    @Test
    void concurrentSubmitsCannotOvershootTheQuota() throws Exception {
        Path root = TestEnvironment.storageRoot().resolve("r");
        List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            bodies.add(merge(uri(checkpointIn(root, 100 + 2L * i)), uri(checkpointIn(root, 101 + 2L * i)), null));
        }
        TensorPacing.delayMillis = 300;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(12)) {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<ApiClient.Response>> answers = new java.util.ArrayList<>();
            for (String body : bodies) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return new ApiClient(port)
                            .withHeader("X-API-Key", BURST_KEY)
                            .post("/v1/jobs", body);
                }));
            }
            start.countDown();
            List<ApiClient.Response> responses = new java.util.ArrayList<>();
            for (var answer : answers) {
                responses.add(answer.get());
            }
            List<Integer> statuses =
                    responses.stream().map(ApiClient.Response::status).toList();
            for (ApiClient.Response response : responses) {
                if (response.status() == 202) {
                    new ApiClient(port)
                            .withHeader("X-API-Key", BURST_KEY)
                            .post("/v1/jobs/" + response.body().path("id").asString() + "/cancel", null);
                }
            }
            assertThat(statuses)
                    .as("12 concurrent submits, quota 2")
                    .containsOnly(202, 429)
                    .filteredOn(s -> s == 202)
                    .hasSize(2);
        } finally {
            TensorPacing.delayMillis = 0;
        }
    }

    @Test
    void afterItsBytesOfTheDayATenantsSubmitIs429UntilMidnight() {
        ApiClient bytes = new ApiClient(port).withHeader("X-API-Key", BYTES_KEY);
        Path root = TestEnvironment.storageRoot().resolve("d");
        String first = bytes.post("/v1/jobs", merge(uri(checkpointIn(root, 21)), uri(checkpointIn(root, 22)), null))
                .body()
                .path("id")
                .asString();
        JsonNode done = bytes.awaitTerminal(first);
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        long written = 0;
        for (JsonNode file : done.path("result").path("output").path("files")) {
            written += file.path("bytes").asLong();
        }
        assertThat(written).as("the first merge alone goes over 1 KB").isGreaterThan(1024);

        ApiClient.Response second =
                bytes.post("/v1/jobs", merge(uri(checkpointIn(root, 23)), uri(checkpointIn(root, 24)), null));
        assertThat(second.status()).as(second.raw().body()).isEqualTo(429);
        assertThat(second.body().path("limit").asString()).isEqualTo("bytes-per-day");
        long retryAfter = Long.parseLong(second.header("Retry-After"));
        assertThat(retryAfter).as("seconds until midnight UTC").isBetween(1L, 86_400L);
        assertThat(second.body().path("detail").asString()).contains("team-d", "max-bytes-per-day");
        assertThat(new ApiClient(port)
                        .withHeader("X-API-Key", TEAM_A_KEY)
                        .post("/v1/jobs", merge(uri(checkpointIn(ROOT_A, 25)), uri(checkpointIn(ROOT_A, 26)), null))
                        .status())
                .as("other tenants are not affected")
                .isEqualTo(202);
    }

    @Test
    void healthAndApiDocsAreOpenMetricsNeedAdmin() {
        ApiClient anonymous = new ApiClient(port);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(anonymous.getText("/actuator/prometheus", "text/plain").statusCode())
                .isEqualTo(401);
        assertThat(as("team-a-writer")
                        .getText("/actuator/prometheus", "text/plain")
                        .statusCode())
                .isEqualTo(403);
        assertThat(as("operator").getText("/actuator/prometheus", "text/plain").statusCode())
                .isEqualTo(200);
        assertThat(as("operator").get("/actuator/env").status())
                .as("not exposed")
                .isIn(403, 404);
    }

    /** The documented 401, 403 (scope) and 429 examples of every operation, provoked against the secured service. */
    @Test
    void everySecurityErrorExampleIsWhatTheServiceAnswers() {
        JsonNode document = new ApiClient(port).get("/v3/api-docs").body();
        SchemaCheck schemas = new SchemaCheck(document);
        assertThat(document.at("/components/securitySchemes").propertyNames()).contains("bearer", "apiKey");
        Map<String, String> paths = new java.util.HashMap<>();
        Map<String, String> methods = new java.util.HashMap<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    paths.put(
                            op.getValue().path("operationId").asString(),
                            path.getKey().replaceAll("\\{id}", UUID.randomUUID().toString()));
                    methods.put(
                            op.getValue().path("operationId").asString(),
                            op.getKey().toUpperCase());
                }));
        Map<String, JsonNode> examples = ApiExamplesTest.errorExamples(document);
        examples.keySet().removeIf(k -> !ApiExamplesTest.securedOnly(k));
        assertThat(examples).isNotEmpty();
        examples.forEach((name, example) -> {
            String operation = name.split(" ")[0];
            String status = name.split(" ")[1];
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + port + paths.get(operation)));
            String body = "{}";
            switch (status) {
                case "403" -> request.header("X-API-Key", NO_SCOPE_KEY);
                case "429" -> {
                    request.header("X-API-Key", QUOTA_KEY);
                    body = merge(
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 20)),
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 21)),
                            null);
                }
                default -> {}
            }
            request.header("Content-Type", "application/json")
                    .method(
                            methods.get(operation),
                            methods.get(operation).equals("GET")
                                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                    : java.net.http.HttpRequest.BodyPublishers.ofString(body));
            java.net.http.HttpResponse<String> response;
            TensorPacing.delayMillis = 300;
            String first = null;
            try (var http = java.net.http.HttpClient.newHttpClient()) {
                if (status.equals("429")) {
                    first = new ApiClient(port)
                            .withHeader("X-API-Key", QUOTA_KEY)
                            .post("/v1/jobs", body)
                            .body()
                            .path("id")
                            .asString();
                    body = merge(
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 22)),
                            uri(checkpointIn(TestEnvironment.storageRoot().resolve("q"), 23)),
                            null);
                    request.method("POST", java.net.http.HttpRequest.BodyPublishers.ofString(body));
                }
                response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                TensorPacing.delayMillis = 0;
                if (first != null) {
                    new ApiClient(port).withHeader("X-API-Key", QUOTA_KEY).post("/v1/jobs/" + first + "/cancel", null);
                }
            }
            assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(Integer.parseInt(status));
            ApiExamplesTest.matches(schemas, name, example, response);
        });
    }
}
