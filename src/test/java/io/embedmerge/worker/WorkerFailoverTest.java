package io.embedmerge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.EmbedMergeApplication;
import io.embedmerge.support.ApiClient;
import io.embedmerge.support.PacedServiceMain;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestEnvironment;
import io.embedmerge.support.TestSafetensors;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Durable execution across instances: a worker process killed mid-merge (SIGKILL) loses its job to another
 * instance once its heartbeats stop, and the job finishes exactly once; a job submitted to an API-only instance
 * waits in PostgreSQL until a worker instance starts.
 */
class WorkerFailoverTest {

    private static Map<String, String> layout() {
        Map<String, String> layout = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            layout.put("layer." + i + ".weight:" + (i % 2 == 0 ? "F32" : "BF16"), "8x8");
        }
        return layout;
    }

    @Test
    void aJobWhoseWorkerProcessIsKilledIsResumedByAnotherInstanceAndSucceedsOnce() throws Exception {
        Map<String, String> props = TestEnvironment.properties(TestEnvironment.newSchema("failover"));
        Path base = TestCheckpoints.create(layout(), 11);
        Path model = TestCheckpoints.create(layout(), 12);
        String body = """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"},
                 "outputDtype": "f32"}""".formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model));

        int port = freePort();
        Process worker = startPacedProcess(props, port, 150);
        String id;
        try {
            ApiClient first = new ApiClient(port);
            awaitUp(first, worker);
            id = first.post("/v1/jobs", body).body().path("id").asString();
            first.awaitJob(id, j -> j.path("progress").path("fraction").asDouble() > 0.1, Duration.ofSeconds(60));
        } finally {
            worker.destroyForcibly();
            worker.waitFor();
        }

        try (ConfigurableApplicationContext second = startInProcess(props, true)) {
            ApiClient api = new ApiClient(port(second));
            JsonNode job =
                    api.awaitJob(id, j -> j.path("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(60));
            assertThat(job.path("attempt").asInt()).isEqualTo(2);

            List<String> types = new ArrayList<>();
            api.get("/v1/jobs/" + id + "/events")
                    .body()
                    .forEach(e -> types.add(e.path("type").asString()));
            assertThat(types.stream().filter("started"::equals)).hasSize(2);
            assertThat(types.stream().filter("succeeded"::equals)).hasSize(1);
            assertThat(api.get("/v1/jobs/" + id + "/events").body().toString()).contains("resumed after");

            Path out = Path.of(
                    URI.create(job.path("result").path("output").path("uri").asString()));
            var merged = TestSafetensors.read(out.resolve("model.safetensors"));
            var b = TestSafetensors.read(base.resolve("model.safetensors"));
            var m = TestSafetensors.read(model.resolve("model.safetensors"));
            // linear with a single model: θ0 + w·V_1 / w = θ_1
            assertThat(merged.keySet()).containsExactlyInAnyOrderElementsOf(b.keySet());
            for (String name : b.keySet()) {
                double[] got = merged.get(name).values();
                for (int j = 0; j < got.length; j++) {
                    assertThat(got[j])
                            .as("%s[%d]", name, j)
                            .isCloseTo(m.get(name).values()[j], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
            try (Stream<Path> siblings = Files.list(out.getParent())) {
                assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(id + ".tmp-"));
            }
        }
    }

    @Test
    void aJobSubmittedToAnApiOnlyInstanceRunsWhenAWorkerInstanceStarts() throws Exception {
        Map<String, String> props = TestEnvironment.properties(TestEnvironment.newSchema("restart"));
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 21);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 22);
        String id;
        try (ConfigurableApplicationContext apiOnly = startInProcess(props, false)) {
            ApiClient api = new ApiClient(port(apiOnly));
            id = api.post("/v1/jobs", """
                    {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "task_arithmetic"}}
                    """.formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model)))
                    .body()
                    .path("id")
                    .asString();
            Thread.sleep(1500);
            assertThat(api.get("/v1/jobs/" + id).body().path("status").asString())
                    .isEqualTo("QUEUED");
        }
        try (ConfigurableApplicationContext worker = startInProcess(props, true)) {
            JsonNode job = new ApiClient(port(worker))
                    .awaitJob(id, j -> j.path("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(60));
            assertThat(job.path("attempt").asInt()).isEqualTo(1);
        }
    }

    private static ConfigurableApplicationContext startInProcess(Map<String, String> props, boolean worker) {
        Map<String, String> all = new LinkedHashMap<>(props);
        all.put("server.port", "0");
        all.put("merge.worker.enabled", String.valueOf(worker));
        String[] args = all.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(EmbedMergeApplication.class).run(args);
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static Process startPacedProcess(Map<String, String> props, int port, long tensorDelayMs)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-Dtest.tensor-delay-ms=" + tensorDelayMs,
                "-cp",
                System.getProperty("java.class.path"),
                PacedServiceMain.class.getName(),
                "--server.port=" + port));
        props.forEach((k, v) -> command.add("--" + k + "=" + v));
        Path log = Files.createDirectories(Path.of("target", "failover-logs")).resolve("worker-" + port + ".log");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitUp(ApiClient api, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "worker process exited with " + process.exitValue() + "; see target/failover-logs");
            }
            try {
                if (api.get("/actuator/health").status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("worker process did not start; see target/failover-logs");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
