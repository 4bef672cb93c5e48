package io.embedmerge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.EmbedMergeApplication;
import io.embedmerge.support.ApiClient;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestData;
import io.embedmerge.support.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Two instances on one database, one serving the cpu pool (this test's context) and one the gpu pool (on the CPU
 * device here): each job runs on an instance of its pool, and a job whose pool has no worker waits, saying so.
 */
@SpringBootTest(classes = EmbedMergeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WorkerPoolsTest {

    private static final String SCHEMA = TestEnvironment.newSchema("test");

    @LocalServerPort
    int port;

    private static Map<String, String> properties(String pools, String id) {
        Map<String, String> p = new LinkedHashMap<>(TestEnvironment.properties(SCHEMA));
        p.put("merge.worker.pools", pools);
        p.put("merge.worker.id", id);
        p.put("merge.worker.device", "auto");
        return p;
    }

    @DynamicPropertySource
    static void cpuInstance(DynamicPropertyRegistry registry) {
        properties("cpu", "cpu-instance").forEach((k, v) -> registry.add(k, () -> v));
    }

    @Test
    void eachJobRunsOnAnInstanceOfItsPool() throws Exception {
        ApiClient api = new ApiClient(port);
        Map<String, String> layout = Map.of("a.weight:F32", "8x8", "b.weight:BF16", "4x4");
        Path base = TestCheckpoints.create(layout, 1);
        Path model = TestCheckpoints.create(layout, 2);
        JsonNode merged = api.awaitTerminal(
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"}}""".formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model)))
                        .body()
                        .path("id")
                        .asString());
        assertThat(merged.path("status").asString()).as(merged.toString()).isEqualTo("SUCCEEDED");
        assertThat(merged.path("pool").asString()).isEqualTo("cpu");
        assertThat(merged.path("worker").asString()).isEqualTo("cpu-instance");
        for (int i = 0; i < 3; i++) {
            JsonNode again = api.awaitTerminal(
                    api.post("/v1/jobs", """
                    {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"}}""".formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model)))
                            .body()
                            .path("id")
                            .asString());
            System.out.printf(
                    "submit to start on the accepting instance: %d ms%n",
                    Duration.between(
                                    Instant.parse(again.path("createdAt").asString()),
                                    Instant.parse(again.path("startedAt").asString()))
                            .toMillis());
        }

        String minilm = api.importBuiltin("builtin:all-minilm-l6-v2");
        Path sts = TestEnvironment.storageRoot().resolve("pools-sts-" + System.nanoTime() + ".tsv");
        Files.write(sts, Files.readAllLines(TestData.path("stsb-en-test")).subList(0, 40));
        String evaluate = api.post("/v1/jobs", """
                {"kind": "evaluate", "checkpoint": "%s",
                 "evaluation": [{"name": "sts", "task": "sts", "data": "%s"}]}""".formatted(minilm, sts.toUri()))
                .body()
                .path("id")
                .asString();
        Thread.sleep(1500);
        JsonNode waiting = api.get("/v1/jobs/" + evaluate).body();
        assertThat(waiting.path("status").asString()).as("no gpu worker yet").isEqualTo("QUEUED");
        assertThat(waiting.path("pool").asString()).isEqualTo("gpu");
        assertThat(waiting.path("progress").path("message").asString()).isEqualTo("waiting for a worker of pool gpu");

        Map<String, String> gpu = new LinkedHashMap<>(properties("gpu", "gpu-instance"));
        gpu.put("server.port", "0");
        String[] args = gpu.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext gpuInstance =
                new SpringApplicationBuilder(EmbedMergeApplication.class).run(args)) {
            JsonNode scored = api.awaitJob(
                    evaluate, j -> j.path("status").asString().matches("SUCCEEDED|FAILED"), Duration.ofSeconds(120));
            assertThat(scored.path("status").asString()).as(scored.toString()).isEqualTo("SUCCEEDED");
            assertThat(scored.path("worker").asString()).isEqualTo("gpu-instance");

            JsonNode routed = api.awaitTerminal(
                    api.post("/v1/jobs", """
                    {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"},
                     "pool": "gpu"}""".formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model)))
                            .body()
                            .path("id")
                            .asString());
            assertThat(routed.path("worker").asString())
                    .as("a request may name its pool")
                    .isEqualTo("gpu-instance");
        }
        ApiClient.Response unknown = api.post("/v1/jobs", """
                {"kind": "import", "source": "builtin:all-minilm-l6-v2", "pool": "tpu"}""");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().path("errors").get(0).path("field").asString())
                .isEqualTo("pool");
        JsonNode info = api.get("/actuator/info").body().path("worker");
        assertThat(info.path("pools").get(0).asString()).isEqualTo("cpu");
    }
}
