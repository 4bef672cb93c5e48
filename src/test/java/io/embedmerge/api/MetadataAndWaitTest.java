package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TensorPacing;
import io.embedmerge.support.TestCheckpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Job metadata (returned, filtered on, checked) and GET /v1/jobs/{id}?wait=. */
class MetadataAndWaitTest extends IntegrationTest {

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    private String mergeBody(String extra) {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 21);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 22);
        return """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"}%s}
                """.formatted(TestCheckpoints.uri(base), TestCheckpoints.uri(model), extra);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("jobs").forEach(j -> ids.add(j.path("id").asString()));
        return ids;
    }

    @Test
    void metadataIsReturnedAndFiltersAreAnded() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String a = api.post("/v1/jobs", mergeBody(", \"metadata\": {\"run\": \"" + run + "\", \"stage\": \"a\"}"))
                .body()
                .path("id")
                .asString();
        String b = api.post("/v1/jobs", mergeBody(", \"metadata\": {\"run\": \"" + run + "\", \"stage\": \"b\"}"))
                .body()
                .path("id")
                .asString();
        assertThat(api.get("/v1/jobs/" + a)
                        .body()
                        .path("metadata")
                        .path("stage")
                        .asString())
                .isEqualTo("a");
        assertThat(ids(api.get("/v1/jobs?metadata.run=" + run).body())).containsExactly(b, a);
        assertThat(ids(api.get("/v1/jobs?metadata.run=" + run + "&metadata.stage=b")
                        .body()))
                .containsExactly(b);
        assertThat(ids(api.get("/v1/jobs?metadata.run=" + run + "&metadata.stage=c")
                        .body()))
                .isEmpty();
        assertThat(ids(api.get("/v1/jobs?metadata.run=" + run + "&pageSize=1").body()))
                .containsExactly(b);
        assertThat(api.get("/v1/jobs?metadata.bad%20key=x").status()).isEqualTo(400);
        api.awaitTerminal(a);
        api.awaitTerminal(b);
    }

    @Test
    void metadataLimitsAreChecked() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
        }
        ApiClient.Response tooMany = api.post("/v1/jobs", mergeBody(", \"metadata\": {" + many + "}"));
        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.body().path("errors").path(0).path("field").asString())
                .isEqualTo("metadata");
        ApiClient.Response badKey = api.post(
                "/v1/jobs", mergeBody(", \"metadata\": {\"a b\": \"v\", \"ok\": \"" + "x".repeat(257) + "\"}"));
        assertThat(badKey.status()).isEqualTo(422);
        List<String> fields = new ArrayList<>();
        badKey.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("metadata", "metadata.ok");
    }

    @Test
    void waitAnswersWhenTheJobEndsOrWhenTheWaitIsOver() {
        long before = TensorPacing.delayMillis;
        TensorPacing.delayMillis = 300;
        try {
            String id = api.post("/v1/jobs", mergeBody("")).body().path("id").asString();
            long started = System.nanoTime();
            JsonNode early = api.get("/v1/jobs/" + id + "?wait=700ms").body();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(early.path("status").asString()).isIn("QUEUED", "RUNNING");
            assertThat(tookMillis).isBetween(600L, 5_000L);
            TensorPacing.delayMillis = before;
            JsonNode done = api.get("/v1/jobs/" + id + "?wait=60s").body();
            assertThat(done.path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(done.path("result").path("output").path("uri").asString())
                    .isNotEmpty();
        } finally {
            TensorPacing.delayMillis = before;
        }
        assertThat(api.get("/v1/jobs/" + UUID.randomUUID() + "?wait=soon").status())
                .isEqualTo(400);
        assertThat(api.get("/v1/jobs/" + UUID.randomUUID() + "?wait=61s").status())
                .isEqualTo(400);
        assertThat(api.get("/v1/jobs/" + UUID.randomUUID() + "?wait=1s").status())
                .isEqualTo(404);
    }
}
