package io.embedmerge.mergekit;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestCheckpoints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** POST /v1/jobs with a mergekit config (application/yaml) and GET /v1/jobs/{id}/mergekit.yaml over HTTP. */
class MergekitConfigApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private static Map<String, String> layout() {
        Map<String, String> layout = new LinkedHashMap<>(TestCheckpoints.mixedLayout());
        layout.put("encoder.layer.1.attention.self.query.weight:F32", "16x16");
        layout.put("encoder.layer.1.mlp.dense.weight:BF16", "16x32");
        return layout;
    }

    private static byte[] output(JsonNode job) throws IOException {
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        return Files.readAllBytes(
                Path.of(URI.create(job.path("result").path("output").path("uri").asString()))
                        .resolve("model.safetensors"));
    }

    @Test
    void yamlSubmitGivesTheBytesOfTheEquivalentJsonSubmitAndItsConfigRoundTrips() throws IOException {
        String base = TestCheckpoints.uri(TestCheckpoints.create(layout(), 301));
        String a = TestCheckpoints.uri(TestCheckpoints.create(layout(), 302));
        String b = TestCheckpoints.uri(TestCheckpoints.create(layout(), 303));
        String yaml = """
                models:
                  - model: %s
                  - model: %s
                    parameters:
                      density: [1, 0.7, 0.1]
                      weight: 1.0
                  - model: %s
                    parameters:
                      density: 0.5
                      weight:
                        - filter: mlp
                          value: 0.5
                        - value: [0, 1]
                merge_method: ties
                base_model: %s
                parameters:
                  normalize: true
                  int8_mask: true
                dtype: float32
                """.formatted(base, a, b, base);
        ApiClient api = new ApiClient(port);
        ApiClient.Response fromYaml = api.post("/v1/jobs", yaml, "application/yaml", null);
        assertThat(fromYaml.status()).as(fromYaml.raw().body()).isEqualTo(202);
        String json = """
                {"kind": "merge", "base": "%s", "outputDtype": "f32",
                 "models": [{"uri": "%s", "weight": 1.0, "params": {"density": [1, 0.7, 0.1]}},
                            {"uri": "%s", "params": {"density": 0.5,
                               "weight": [{"filter": "mlp", "value": 0.5}, {"value": [0, 1]}]}}],
                 "method": {"name": "ties", "params": {"granularity": "tensor", "normalize": true, "density": 1.0}}}
                """.formatted(base, a, b);
        ApiClient.Response fromJson = api.post("/v1/jobs", json);
        assertThat(fromJson.status()).as(fromJson.raw().body()).isEqualTo(202);
        String yamlId = fromYaml.body().path("id").asString();
        byte[] yamlBytes = output(api.awaitTerminal(yamlId));
        assertThat(output(api.awaitTerminal(fromJson.body().path("id").asString())))
                .isEqualTo(yamlBytes);

        HttpResponse<String> config = api.getText("/v1/jobs/" + yamlId + "/mergekit.yaml", "application/yaml");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body())
                .contains("merge_method: ties", "base_model: " + base, "tokenizer_source: base")
                .doesNotContain("granularity");
        ApiClient.Response again = api.post("/v1/jobs", config.body(), "application/yaml", null);
        assertThat(again.status()).as(again.raw().body()).isEqualTo(202);
        assertThat(output(api.awaitTerminal(again.body().path("id").asString())))
                .isEqualTo(yamlBytes);
    }

    @Test
    void mergekitsSlerpExampleWithASliceOfTwoSourcesIsTheSlerpPairJsonJobByteForByte() throws IOException {
        String base = TestCheckpoints.uri(TestCheckpoints.create(layout(), 321));
        String a = TestCheckpoints.uri(TestCheckpoints.create(layout(), 322));
        String yaml = """
                slices:
                  - sources:
                      - model: %s
                        layer_range: [0, 2]
                      - model: %s
                        layer_range: [0, 2]
                merge_method: slerp
                base_model: %s
                parameters:
                  t:
                    - filter: query
                      value: [0, 1]
                    - value: 0.5
                dtype: float32
                """.formatted(a, base, base);
        ApiClient api = new ApiClient(port);
        ApiClient.Response fromYaml = api.post("/v1/jobs", yaml, "application/yaml", null);
        assertThat(fromYaml.status()).as(fromYaml.raw().body()).isEqualTo(202);
        String json = """
                {"kind": "merge", "base": "%s", "outputDtype": "f32", "models": [{"uri": "%s"}],
                 "method": {"name": "slerp_pair", "params": {
                   "t": [{"filter": "query", "value": [0, 1]}, {"value": 0.5}],
                   "slices": [{"sources": [{"model": 0, "layers": [0, 2]}, {"model": "base", "layers": [0, 2]}]}]}}}
                """.formatted(base, a);
        ApiClient.Response fromJson = api.post("/v1/jobs", json);
        assertThat(fromJson.status()).as(fromJson.raw().body()).isEqualTo(202);
        String yamlId = fromYaml.body().path("id").asString();
        byte[] yamlBytes = output(api.awaitTerminal(yamlId));
        assertThat(output(api.awaitTerminal(fromJson.body().path("id").asString())))
                .isEqualTo(yamlBytes);

        HttpResponse<String> config = api.getText("/v1/jobs/" + yamlId + "/mergekit.yaml", "application/yaml");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body())
                .contains("merge_method: slerp\n", "layer_range:")
                .doesNotContain("slerp_pair");
        ApiClient.Response again = api.post("/v1/jobs", config.body(), "application/yaml", null);
        assertThat(again.status()).as(again.raw().body()).isEqualTo(202);
        assertThat(output(api.awaitTerminal(again.body().path("id").asString())))
                .isEqualTo(yamlBytes);
    }

    @Test
    void anUnsupportedKeyIsA422NamingItsYamlPath() {
        String base = TestCheckpoints.uri(TestCheckpoints.create(layout(), 311));
        ApiClient.Response response =
                new ApiClient(port).post("/v1/jobs", """
                models:
                  - model: %s
                    parameters:
                      foo: 1
                merge_method: ties
                base_model: %s
                """.formatted(base, base + "x"), "application/yaml", null);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().path("errors").get(0).path("field").asString())
                .isEqualTo("models[0].parameters.foo");
    }

    @Test
    void onlyMergeJobsHaveAConfig() {
        ApiClient api = new ApiClient(port);
        assertThat(api.getText("/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13/mergekit.yaml", "application/yaml")
                        .statusCode())
                .isEqualTo(404);
    }
}
