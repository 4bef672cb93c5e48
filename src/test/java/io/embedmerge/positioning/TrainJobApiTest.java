package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestData;
import io.embedmerge.support.TestEnvironment;
import io.embedmerge.support.TestSafetensors;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Train jobs make task models (separate and sequential pipelines) that merges then combine. */
class TrainJobApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void trainsOneModelPerDatasetAndStagesThatMerge() throws Exception {
        ApiClient api = new ApiClient(port);
        String base = api.importBuiltin("builtin:all-minilm-l6-v2");
        List<String> lines = Files.readAllLines(TestData.path("stsb-en-train"));
        Path a = TestEnvironment.storageRoot().resolve("train-a-" + UUID.randomUUID() + ".tsv");
        Path b = TestEnvironment.storageRoot().resolve("train-b-" + UUID.randomUUID() + ".tsv");
        Files.write(a, lines.subList(0, 300));
        Files.write(b, lines.subList(300, 600));
        String data = "[{\"uri\": \"%s\"}, {\"uri\": \"%s\"}]".formatted(a.toUri(), b.toUri());
        String params = "{\"steps\": 3, \"batchSize\": 8, \"learningRate\": 5e-5, \"scoreThreshold\": 3.5}";

        JsonNode separate = api.awaitTerminal(api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": %s, "params": %s, "pipeline": "separate", "seed": 3}""".formatted(base, data, params))
                .body()
                .path("id")
                .asString());
        assertThat(separate.path("status").asString()).as(separate.toString()).isEqualTo("SUCCEEDED");
        assertThat(separate.path("result").path("runs")).hasSize(2);
        assertThat(separate.path("result").path("runs").get(0).path("lossCurve"))
                .hasSize(3);
        String report = api.getText("/v1/jobs/" + separate.path("id").asString() + "/report", "text/html")
                .body();
        assertThat(report).contains("Loss curve", "<polyline", "dataset-1/", "dataset-2/");
        Path out = Path.of(
                URI.create(separate.path("result").path("output").path("uri").asString()));
        assertThat(out.resolve("dataset-1/model.safetensors")).exists();
        assertThat(out.resolve("dataset-2/tokenizer.json")).exists();
        var trained = TestSafetensors.read(out.resolve("dataset-1/model.safetensors"));
        var original = TestSafetensors.read(Path.of(URI.create(base)).resolve("model.safetensors"));
        assertThat(trained.keySet()).isEqualTo(original.keySet());
        assertThat(trained.get("encoder.layer.0.attention.self.query.weight").values())
                .isNotEqualTo(original.get("encoder.layer.0.attention.self.query.weight")
                        .values());

        JsonNode merged = api.awaitTerminal(api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}, {"uri": "%s"}], "method": {"name": "ties"}}""".formatted(
                                base,
                                out.resolve("dataset-1").toUri(),
                                out.resolve("dataset-2").toUri()))
                .body()
                .path("id")
                .asString());
        assertThat(merged.path("status").asString()).as(merged.toString()).isEqualTo("SUCCEEDED");

        JsonNode sequential = api.awaitTerminal(
                api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": %s, "params": %s, "pipeline": "sequential"}""".formatted(base, data, params.replace("}", ", \"maxSeqLength\": 16}")))
                        .body()
                        .path("id")
                        .asString());
        assertThat(sequential.path("status").asString())
                .as(sequential.toString())
                .isEqualTo("SUCCEEDED");
        Path stages = Path.of(
                URI.create(sequential.path("result").path("output").path("uri").asString()));
        assertThat(TestSafetensors.read(stages.resolve("stage-1/model.safetensors"))
                        .get("pooler.dense.bias"))
                .isNull();
        assertThat(TestSafetensors.read(stages.resolve("stage-2/model.safetensors"))
                        .get("encoder.layer.5.output.dense.bias")
                        .values())
                .isNotEqualTo(TestSafetensors.read(stages.resolve("stage-1/model.safetensors"))
                        .get("encoder.layer.5.output.dense.bias")
                        .values());

        JsonNode resampled = api.awaitTerminal(api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": [{"uri": "%s", "weight": 1}, {"uri": "%s", "weight": 3}],
                 "params": %s, "resample": "total_length"}""".formatted(base, a.toUri(), b.toUri(), params))
                .body()
                .path("id")
                .asString());
        assertThat(resampled.path("status").asString()).as(resampled.toString()).isEqualTo("SUCCEEDED");
        assertThat(resampled.path("result").path("runs")).hasSize(1);
        assertThat(Path.of(URI.create(resampled
                                .path("result")
                                .path("output")
                                .path("uri")
                                .asString()))
                        .resolve("model.safetensors"))
                .exists();
        JsonNode scored = api.awaitTerminal(api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": [{"uri": "%s"}], "params": {"steps": 2, "batchSize": 8,
                 "objective": "cosent"}}""".formatted(base, a.toUri()))
                .body()
                .path("id")
                .asString());
        assertThat(scored.path("status").asString()).as(scored.toString()).isEqualTo("SUCCEEDED");
        assertThat(scored.path("result").path("runs").get(0).path("lossCurve")).hasSize(2);
        JsonNode mixedObjectives = api.awaitTerminal(api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": [{"uri": "%s", "objective": "infonce", "scoreThreshold": 3.5},
                 {"uri": "%s", "objective": "cosent", "weight": 2}], "params": {"steps": 4, "batchSize": 8},
                 "resample": "total_length", "seed": 2}""".formatted(base, a.toUri(), b.toUri()))
                .body()
                .path("id")
                .asString());
        assertThat(mixedObjectives.path("status").asString())
                .as(mixedObjectives.toString())
                .isEqualTo("SUCCEEDED");
        JsonNode mixedRun = mixedObjectives.path("result").path("runs").get(0);
        assertThat(mixedRun.path("lossCurve")).hasSize(4);
        assertThat(mixedRun.path("stepDatasets"))
                .hasSize(4)
                .allSatisfy(d -> assertThat(d.asInt()).isBetween(0, 1));
        assertThat(scored.path("result").path("runs").get(0).has("stepDatasets"))
                .as("one objective")
                .isFalse();
        ApiClient.Response badDataObjective = api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": [{"uri": "%s"}, {"uri": "%s", "objective": "mse"}]}""".formatted(base, a.toUri(), b.toUri()));
        assertThat(badDataObjective.status()).isEqualTo(422);
        assertThat(badDataObjective.body().path("errors").get(0).path("field").asString())
                .isEqualTo("data[1].objective");
        ApiClient.Response badObjective = api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": %s, "params": {"objective": "mse"}}""".formatted(base, data));
        assertThat(badObjective.status()).isEqualTo(422);
        assertThat(badObjective.body().path("errors").get(0).path("field").asString())
                .isEqualTo("params.objective");
        ApiClient.Response resampledPipeline = api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": %s, "pipeline": "separate", "resample": "max_length"}""".formatted(base, data));
        assertThat(resampledPipeline.status()).isEqualTo(422);
        assertThat(resampledPipeline.body().path("errors").get(0).path("field").asString())
                .isEqualTo("resample");

        ApiClient.Response badPipeline = api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": %s, "pipeline": "parallel"}""".formatted(base, data));
        assertThat(badPipeline.status()).isEqualTo(422);
        ApiClient.Response badLength = api.post("/v1/jobs", """
                {"kind": "train", "base": "%s", "data": %s, "params": {"maxSeqLength": 1}}""".formatted(base, data));
        assertThat(badLength.status()).isEqualTo(422);
        assertThat(badLength.body().path("errors").get(0).path("field").asString())
                .isEqualTo("params.maxSeqLength");
    }
}
