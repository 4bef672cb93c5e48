package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestEnvironment;
import io.embedmerge.support.TestSafetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Hardening: nothing that holds NaN or ±Inf is published as SUCCEEDED. Inputs with non-finite values are refused
 * (unless allowNonFinite), outputs that would overflow their dtype fail the job and leave no folder behind, and
 * λ and the weights are bounded at submit time.
 */
class NonFiniteValuesTest extends IntegrationTest {

    private static final String TENSOR = "encoder.layer.0.output.dense.weight";

    @LocalServerPort
    int port;

    private static Path checkpoint(double... values) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(TENSOR, Tensor.floating("F32", new long[] {values.length}, values));
        tensors.put("pooler.dense.bias", Tensor.floating("F32", new long[] {2}, new double[] {0.5, -0.5}));
        return TestCheckpoints.of(tensors);
    }

    private String body(Path base, List<Path> models, String weights, String method, String extra) {
        List<String> items = new ArrayList<>();
        String[] w = weights.split(",");
        for (int i = 0; i < models.size(); i++) {
            items.add("{\"uri\": \"" + TestCheckpoints.uri(models.get(i)) + "\", \"weight\": " + w[i].trim() + "}");
        }
        return """
                {"kind": "merge", "base": "%s", "models": [%s], "method": %s, "output": "%s"%s}
                """.formatted(TestCheckpoints.uri(base), String.join(", ", items), method, outputUri(), extra);
    }

    private Path output;

    private String outputUri() {
        output = TestEnvironment.storageRoot().resolve("outputs").resolve("nonfinite-" + UUID.randomUUID());
        return output.toUri().toString();
    }

    private JsonNode run(String body) {
        ApiClient api = new ApiClient(port);
        ApiClient.Response submitted = api.post("/v1/jobs", body);
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        return api.awaitTerminal(submitted.body().path("id").asString());
    }

    private void assertFailed(JsonNode job, String code, String... inMessage) throws IOException {
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.path("error").path("code").asString()).isEqualTo(code);
        assertThat(job.path("error").path("message").asString()).contains(inMessage);
        assertThat(output).doesNotExist();
        try (Stream<Path> siblings = Files.list(output.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("." + output.getFileName()));
        }
    }

    @Test
    void nonFiniteInputsAreRefusedNamingModelAndTensor() throws IOException {
        Path base = checkpoint(0.1, 0.2, 0.3, 0.4);
        Path finite = checkpoint(0.2, 0.2, 0.2, 0.2);
        String linear = "{\"name\": \"linear\"}";

        assertFailed(
                run(body(base, List.of(finite, checkpoint(0.1, Double.NaN, 0.3, 0.4)), "1, 1", linear, "")),
                "NON_FINITE_INPUT",
                "models[1]",
                TENSOR,
                "NaN",
                "element 1",
                "allowNonFinite");
        assertFailed(
                run(body(base, List.of(checkpoint(Double.POSITIVE_INFINITY, 0.2, 0.3, 0.4)), "1", linear, "")),
                "NON_FINITE_INPUT",
                "models[0]",
                TENSOR,
                "Infinity");
        assertFailed(
                run(body(
                        checkpoint(0.1, 0.2, Double.NEGATIVE_INFINITY, 0.4),
                        List.of(finite),
                        "1",
                        "{\"name\": \"ties\"}",
                        "")),
                "NON_FINITE_INPUT",
                "the base",
                TENSOR,
                "-Infinity",
                "element 2");
    }

    @Test
    void allowingNonFiniteInputsStillChecksTheOutput() throws IOException {
        Path base = checkpoint(0.1, 0.2, 0.3, 0.4);
        Path nan = checkpoint(0.1, Double.NaN, 0.3, 0.4);
        assertFailed(
                run(body(base, List.of(nan), "1", "{\"name\": \"task_arithmetic\"}", ", \"allowNonFinite\": true")),
                "NON_FINITE_OUTPUT",
                TENSOR,
                "NaN",
                "nothing was published");
    }

    @Test
    void outputsThatOverflowTheirDtypeFailAndPublishNothing() throws IOException {
        Path base = checkpoint(0, 0, 0, 0);
        Path big = checkpoint(0, 3e38, 0, 0);
        assertFailed(
                run(body(base, List.of(big), "1", "{\"name\": \"task_arithmetic\", \"params\": {\"lambda\": 2}}", "")),
                "NON_FINITE_OUTPUT",
                TENSOR,
                "Infinity",
                "element 1");

        Path large = checkpoint(0, 0, 60000, 0);
        assertFailed(
                run(body(
                        base,
                        List.of(large),
                        "1",
                        "{\"name\": \"task_arithmetic\", \"params\": {\"lambda\": 2}}",
                        ", \"outputDtype\": \"f16\"")),
                "NON_FINITE_OUTPUT",
                TENSOR,
                "overflows F16",
                "element 2");

        JsonNode fine =
                run(body(base, List.of(large), "1", "{\"name\": \"task_arithmetic\"}", ", \"outputDtype\": \"f16\""));
        assertThat(fine.path("status").asString()).as(fine.toString()).isEqualTo("SUCCEEDED");
        assertThat(output.resolve("model.safetensors")).exists();
    }

    @Test
    void lambdaAndWeightsAreBoundedAtSubmit() {
        Path base = checkpoint(0.1, 0.2);
        Path model = checkpoint(0.3, 0.4);
        ApiClient api = new ApiClient(port);
        record Case(String weights, String method, String field, String message) {}
        List<Case> cases = List.of(
                new Case(
                        "1",
                        "{\"name\": \"task_arithmetic\", \"params\": {\"lambda\": 1e308}}",
                        "method.params.lambda",
                        "[-1000.0, 1000.0]"),
                new Case(
                        "1",
                        "{\"name\": \"linear\", \"params\": {\"lambda\": -1001}}",
                        "method.params.lambda",
                        "[-1000.0, 1000.0]"),
                new Case("1e308, 1e308", "{\"name\": \"linear\"}", "models[0].weight", "1000.0"),
                new Case("1, 1e4", "{\"name\": \"ties\"}", "models[1].weight", "1000.0"),
                new Case("-1, -2", "{\"name\": \"linear\"}", "models[].weight", "positive sum"),
                new Case("1, 0", "{\"name\": \"slerp\"}", "models[1].weight", "(0.0, 1000.0]"));
        for (Case c : cases) {
            List<Path> models = c.weights().contains(",") ? List.of(model, model) : List.of(model);
            ApiClient.Response response = api.post("/v1/jobs", body(base, models, c.weights(), c.method(), ""));
            assertThat(response.status()).as(c + " " + response.raw().body()).isEqualTo(422);
            JsonNode error = response.body().path("errors").get(0);
            assertThat(error.path("field").asString()).as(c.toString()).isEqualTo(c.field());
            assertThat(error.path("message").asString()).as(c.toString()).contains(c.message());
        }
    }

    @Test
    void methodsListTheBounds() {
        JsonNode methods = new ApiClient(port).get("/v1/methods").body();
        for (JsonNode method : methods) {
            assertThat(method.path("weights").path("max").asDouble())
                    .as(method.path("name").asString())
                    .isEqualTo(1000.0);
            for (JsonNode param : method.path("params")) {
                if (param.path("name").asString().equals("lambda")) {
                    assertThat(param.path("min").asDouble()).isEqualTo(-1000.0);
                    assertThat(param.path("max").asDouble()).isEqualTo(1000.0);
                }
            }
        }
        JsonNode slerp = null;
        for (JsonNode method : methods) {
            if (method.path("name").asString().equals("slerp")) {
                slerp = method;
            }
        }
        assertThat(slerp).isNotNull();
        assertThat(slerp.path("weights").path("positive").asBoolean()).isTrue();
    }
}
