package io.embedmerge.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestCheckpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Deliveries over real HTTP to receivers on loopback, checked with an HMAC written here. */
class WebhookDeliveryTest extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    DeliveryPoller poller;

    ApiClient api;
    final List<String> registered = new ArrayList<>();

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    @AfterEach
    void unregister() throws Exception {
        for (String id : registered) {
            try (HttpClient http = HttpClient.newHttpClient()) {
                http.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/webhooks/" + id))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        }
        poller.start();
    }

    private String mergeBody(String extra) {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 11);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 12);
        return """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"}%s}
                """.formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model), extra);
    }

    private JsonNode register(String url, String events) {
        ApiClient.Response created = api.post("/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": " + events + "}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        registered.add(created.body().path("id").asString());
        return created.body();
    }

    private static List<ReceiverSupport.Received> forJob(ReceiverSupport receiver, String jobId) {
        return receiver.received.stream()
                .filter(r -> JSON.readTree(r.body())
                        .path("data")
                        .path("id")
                        .asString()
                        .equals(jobId))
                .toList();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("condition within 30 s").isTrue();
    }

    @Test
    void deliveriesAreSignedRetriedWithTheSameIdAndDeliveredOnce() throws Exception {
        Map<String, AtomicInteger> triesById = new ConcurrentHashMap<>();
        try (ReceiverSupport flaky = new ReceiverSupport(id ->
                        triesById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= 3 ? 503 : 204);
                ReceiverSupport perJob = new ReceiverSupport(id -> 200)) {
            JsonNode endpoint = register(flaky.url("/hooks/embed-merge"), "[\"job.succeeded\", \"job.failed\"]");
            String secret = endpoint.path("secret").asString();
            assertThat(secret).startsWith("whsec_");

            ApiClient.Response submitted = api.post(
                    "/v1/jobs",
                    mergeBody(", \"metadata\": {\"argo-workflow\": " + "\"wf-1\"}, \"notify\": {\"url\": \""
                            + perJob.url("/job") + "\", \"events\": [\"job.succeeded\"]}"));
            assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(202);
            String jobId = submitted.body().path("id").asString();
            String jobSecret = submitted.body().path("notifySecret").asString();
            assertThat(jobSecret).startsWith("whsec_");
            assertThat(api.get("/v1/jobs/" + jobId).body().has("notifySecret")).isFalse();
            assertThat(api.get("/v1/jobs/" + jobId + "?wait=60s")
                            .body()
                            .path("status")
                            .asString())
                    .isEqualTo("SUCCEEDED");

            await(() -> forJob(flaky, jobId).stream().anyMatch(r -> r.answered() == 204));
            await(() -> !forJob(perJob, jobId).isEmpty());
            Thread.sleep(500); // time for any extra (wrong) delivery to arrive

            List<ReceiverSupport.Received> attempts = forJob(flaky, jobId);
            assertThat(attempts).hasSize(4);
            assertThat(attempts.stream().map(ReceiverSupport.Received::id).distinct())
                    .hasSize(1);
            assertThat(attempts.stream().filter(r -> r.answered() == 204)).hasSize(1);
            for (ReceiverSupport.Received r : attempts) {
                assertThat(ReceiverSupport.verify(secret, r)).as("signature").isTrue();
                assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(r.timestamp())))
                        .isLessThan(300);
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.path("type").asString()).isEqualTo("job.succeeded");
                assertThat(body.path("timestamp").isMissingNode()).isFalse();
                assertThat(body.path("data").path("status").asString()).isEqualTo("SUCCEEDED");
                assertThat(body.path("data")
                                .path("metadata")
                                .path("argo-workflow")
                                .asString())
                        .isEqualTo("wf-1");
                assertThat(body.path("data")
                                .path("result")
                                .path("output")
                                .path("uri")
                                .asString())
                        .isNotEmpty();
            }
            assertThat(ReceiverSupport.verify(SigningSecret.generate(), attempts.getFirst()))
                    .isFalse();
            List<ReceiverSupport.Received> own = forJob(perJob, jobId);
            assertThat(own).hasSize(1);
            assertThat(ReceiverSupport.verify(jobSecret, own.getFirst())).isTrue();

            JsonNode deliveries = api.get("/v1/jobs/" + jobId + "/deliveries").body();
            assertThat(deliveries.size()).isEqualTo(2);
            Map<String, JsonNode> byUrl = new java.util.HashMap<>();
            deliveries.forEach(d -> byUrl.put(d.path("url").asString(), d));
            JsonNode flakyDelivery = byUrl.get(flaky.url("/hooks/embed-merge"));
            assertThat(flakyDelivery.path("status").asString()).isEqualTo("DELIVERED");
            assertThat(flakyDelivery.path("id").asString())
                    .isEqualTo(attempts.getFirst().id());
            List<Integer> codes = new ArrayList<>();
            flakyDelivery.path("attempts").forEach(a -> {
                codes.add(a.path("statusCode").asInt());
                assertThat(a.has("latencyMillis")).isTrue();
            });
            assertThat(codes).containsExactly(503, 503, 503, 204);
        }
    }

    @Test
    void aCancelledQueuedJobIsDeliveredAsCancelled() throws Exception {
        try (ReceiverSupport perJob = new ReceiverSupport(id -> 204)) {
            // no worker serves the gpu pool in this context: the job stays queued until cancelled
            String jobId = api.post(
                            "/v1/jobs",
                            mergeBody(", \"pool\": \"gpu\", \"notify\": {\"url\": \"" + perJob.url("/job")
                                    + "\", \"events\": [\"job.cancelled\"]}"))
                    .body()
                    .path("id")
                    .asString();
            assertThat(api.post("/v1/jobs/" + jobId + "/cancel", null).status()).isEqualTo(202);
            await(() -> !forJob(perJob, jobId).isEmpty());
            JsonNode body = JSON.readTree(forJob(perJob, jobId).getFirst().body());
            assertThat(body.path("type").asString()).isEqualTo("job.cancelled");
            assertThat(body.path("data").path("status").asString()).isEqualTo("CANCELLED");
            assertThat(body.path("data").path("cancelRequested").asBoolean()).isTrue();
            assertThat(body.path("data").path("finishedAt").isMissingNode()).isFalse();
        }
    }

    @Test
    void aDeliveryThatKeepsFailingIsMarkedOnItsEndpoint() throws Exception {
        try (ReceiverSupport dead = new ReceiverSupport(id -> 500)) {
            JsonNode endpoint = register(dead.url("/dead"), "[\"job.succeeded\"]");
            String jobId = api.post("/v1/jobs", mergeBody("")).body().path("id").asString();
            api.awaitTerminal(jobId);
            await(() -> api.get("/v1/jobs/" + jobId + "/deliveries")
                    .body()
                    .path(0)
                    .path("status")
                    .asString()
                    .equals("FAILED"));
            assertThat(forJob(dead, jobId)).hasSize(5); // the first attempt and 4 retries of the test schedule
            JsonNode listed = null;
            for (JsonNode e : api.get("/v1/webhooks").body()) {
                if (e.path("id").asString().equals(endpoint.path("id").asString())) {
                    listed = e;
                }
            }
            assertThat(listed).isNotNull();
            assertThat(listed.has("secret")).isFalse();
            assertThat(listed.path("failedDeliveries").asLong()).isPositive();
            assertThat(listed.path("lastFailure").asString()).contains("HTTP 500");
        }
    }

    @Test
    void deliveriesWaitInTheOutboxWhileTheDelivererIsStopped() throws Exception {
        try (ReceiverSupport receiver = new ReceiverSupport(id -> 200)) {
            register(receiver.url("/restart"), "[\"job.succeeded\"]");
            poller.stop();
            String jobId = api.post("/v1/jobs", mergeBody("")).body().path("id").asString();
            api.awaitTerminal(jobId);
            Thread.sleep(500);
            assertThat(forJob(receiver, jobId)).isEmpty();
            assertThat(api.get("/v1/jobs/" + jobId + "/deliveries")
                            .body()
                            .path(0)
                            .path("status")
                            .asString())
                    .isEqualTo("PENDING");
            poller.start();
            await(() -> api.get("/v1/jobs/" + jobId + "/deliveries")
                    .body()
                    .path(0)
                    .path("status")
                    .asString()
                    .equals("DELIVERED"));
            assertThat(forJob(receiver, jobId)).hasSize(1);
        }
    }

    @Test
    void rotationChangesTheSecretOfNewEvents() throws Exception {
        try (ReceiverSupport receiver = new ReceiverSupport(id -> 200)) {
            JsonNode endpoint = register(receiver.url("/rotate"), "[\"job.succeeded\"]");
            ApiClient.Response rotated =
                    api.post("/v1/webhooks/" + endpoint.path("id").asString() + "/rotate", null);
            assertThat(rotated.status()).isEqualTo(200);
            String secret = rotated.body().path("secret").asString();
            assertThat(secret)
                    .startsWith("whsec_")
                    .isNotEqualTo(endpoint.path("secret").asString());
            String jobId = api.post("/v1/jobs", mergeBody("")).body().path("id").asString();
            api.awaitTerminal(jobId);
            await(() -> forJob(receiver, jobId).size() == 1);
            assertThat(ReceiverSupport.verify(secret, forJob(receiver, jobId).getFirst()))
                    .isTrue();
        }
    }

    @Test
    void registrationChecksUrlsAndEvents() {
        ApiClient.Response refused =
                api.post("/v1/webhooks", "{\"url\": \"http://example.com/hook\", " + "\"events\": [\"job.exploded\"]}");
        assertThat(refused.status()).isEqualTo(422);
        List<String> fields = new ArrayList<>();
        refused.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        assertThat(fields).containsExactly("url", "events[0]");
        ApiClient.Response badNotify = api.post(
                "/v1/jobs",
                mergeBody(", \"notify\": {\"url\": \"http://example.com/hook\", \"events\": [\"job.done\"]}"));
        assertThat(badNotify.status()).isEqualTo(422);
        assertThat(badNotify.body().path("errors").findValuesAsString("field").stream()
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("notify.url", "notify.events[0]");
    }
}
