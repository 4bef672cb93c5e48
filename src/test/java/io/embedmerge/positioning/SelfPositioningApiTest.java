package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.model.BatchListener;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestData;
import io.embedmerge.support.TestEnvironment;
import io.embedmerge.support.TestSafetensors;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A self_positioning merge through the API on a real encoder: the imported all-MiniLM-L6-v2 as base and two
 * perturbed copies as task models, STS Benchmark pairs as the probe. The output must be θ0 + λ·Σ c_i V_i with the
 * coefficients the job reports.
 */
class SelfPositioningApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private static Path perturbed(Path model, long seed) {
        return TestCheckpoints.perturbed(model, TestEnvironment.storageRoot().resolve("sp-" + UUID.randomUUID()), seed);
    }

    @Test
    void learnsCoefficientsAndWritesTheModelTheyDescribe() throws Exception {
        ApiClient api = new ApiClient(port);
        Path base = Path.of(URI.create(api.importBuiltin("builtin:all-minilm-l6-v2")));
        Path m1 = perturbed(base, 1);
        Path m2 = perturbed(base, 2);
        Path probe = TestEnvironment.storageRoot().resolve("probe-" + UUID.randomUUID() + ".tsv");
        Files.write(probe, Files.readAllLines(TestData.path("stsb-en-test")).subList(0, 300));

        ApiClient.Response noProbe = api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "self_positioning"}}""".formatted(base.toUri(), m1.toUri()));
        assertThat(noProbe.status()).isEqualTo(422);
        assertThat(noProbe.body().path("errors").get(0).path("field").asString())
                .isEqualTo("probe");
        ApiClient.Response wrongInit =
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}, {"uri": "%s"}], "probe": "%s",
                 "method": {"name": "self_positioning", "params": {"initWeights": [1]}}}""".formatted(base.toUri(), m1.toUri(), m2.toUri(), probe.toUri()));
        assertThat(wrongInit.status()).isEqualTo(422);
        assertThat(wrongInit.body().path("errors").get(0).path("field").asString())
                .isEqualTo("method.params.initWeights");

        JsonNode job = api.awaitTerminal(
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s", "weight": 1.0}, {"uri": "%s", "weight": 2.0}],
                 "method": {"name": "self_positioning",
                            "params": {"steps": 4, "batchSize": 8, "scoreThreshold": 3.5, "initWeights": [0.5, 1.5]}},
                 "probe": "%s", "seed": 7}""".formatted(base.toUri(), m1.toUri(), m2.toUri(), probe.toUri()))
                        .body()
                        .path("id")
                        .asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode coefficients = job.path("result").path("coefficients");
        assertThat(coefficients.path("weights")).hasSize(2);
        // Adam moves softplus⁻¹(a) by at most about learningRate (0.05) a step, and softplus' ≤ 1: 4 steps stay
        // within 0.2 of initWeights, not of the models' weights (1, 2)
        assertThat(coefficients.path("weights").get(0).asDouble())
                .isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.25));
        assertThat(coefficients.path("weights").get(1).asDouble())
                .isCloseTo(1.5, org.assertj.core.data.Offset.offset(0.25));
        String report = api.getText("/v1/jobs/" + job.path("id").asString() + "/report", "text/html")
                .body();
        assertThat(report).contains("Loss curve", "<polyline", "self_positioning probe loss");
        assertThat(coefficients.path("lambda").asDouble()).isPositive();
        assertThat(coefficients.path("t")).hasSize(1);
        assertThat(job.path("result").path("lossCurve")).hasSize(4);
        String events = api.get("/v1/jobs/" + job.path("id").asString() + "/events")
                .body()
                .toString();
        assertThat(events).contains("positioning", "loss");

        double lambda = coefficients.path("lambda").asDouble();
        double c1 = coefficients.path("c").get(0).asDouble();
        double c2 = coefficients.path("c").get(1).asDouble();
        Path out =
                Path.of(URI.create(job.path("result").path("output").path("uri").asString()));
        var merged = TestSafetensors.read(out.resolve("model.safetensors"));
        var b = TestSafetensors.read(base.resolve("model.safetensors"));
        var x = TestSafetensors.read(m1.resolve("model.safetensors"));
        var y = TestSafetensors.read(m2.resolve("model.safetensors"));
        for (String name : List.of("encoder.layer.2.attention.self.query.weight", "embeddings.LayerNorm.bias")) {
            double[] got = merged.get(name).values();
            for (int j = 0; j < got.length; j += 7) {
                double expected = b.get(name).values()[j]
                        + lambda
                                * (c1 * (x.get(name).values()[j] - b.get(name).values()[j])
                                        + c2
                                                * (y.get(name).values()[j]
                                                        - b.get(name).values()[j]));
                assertThat(got[j]).as("%s[%d]", name, j).isCloseTo(expected, org.assertj.core.data.Offset.offset(2e-6));
            }
        }
    }

    @Test
    void fisherMergesWithPerModelProbeDataIntoAConvexCombination() throws Exception {
        ApiClient api = new ApiClient(port);
        Path base = Path.of(URI.create(api.importBuiltin("builtin:all-minilm-l6-v2")));
        Path m1 = perturbed(base, 3);
        Path m2 = perturbed(base, 4);
        List<String> lines = Files.readAllLines(TestData.path("stsb-en-test"));
        Path probe1 = TestEnvironment.storageRoot().resolve("fisher-a-" + UUID.randomUUID() + ".tsv");
        Path probe2 = TestEnvironment.storageRoot().resolve("fisher-b-" + UUID.randomUUID() + ".tsv");
        Files.write(probe1, lines.subList(0, 200));
        Files.write(probe2, lines.subList(200, 400));

        ApiClient.Response noProbe = api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "fisher"}}""".formatted(base.toUri(), m1.toUri()));
        assertThat(noProbe.status()).isEqualTo(422);
        assertThat(noProbe.body().path("errors").get(0).path("field").asString())
                .isEqualTo("models[0].probe");

        JsonNode job = api.awaitTerminal(api.post(
                        "/v1/jobs", """
                {"kind": "merge", "base": "%s",
                 "models": [{"uri": "%s", "probe": "%s"}, {"uri": "%s", "probe": "%s", "weight": 2.0}],
                 "method": {"name": "fisher", "params": {"fisherExamples": 16, "batchSize": 8, "scoreThreshold": 3.0}}}""".formatted(base.toUri(), m1.toUri(), probe1.toUri(), m2.toUri(), probe2.toUri()))
                .body()
                .path("id")
                .asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(api.get("/v1/jobs/" + job.path("id").asString() + "/events")
                        .body()
                        .toString())
                .as("per-batch progress of the Fisher passes")
                .contains("model 2 of 2, batch 2/2");
        Path out =
                Path.of(URI.create(job.path("result").path("output").path("uri").asString()));
        var merged = TestSafetensors.read(out.resolve("model.safetensors"));
        var x = TestSafetensors.read(m1.resolve("model.safetensors"));
        var y = TestSafetensors.read(m2.resolve("model.safetensors"));
        int strictlyInside = 0;
        for (String name : List.of("encoder.layer.4.intermediate.dense.weight", "embeddings.word_embeddings.weight")) {
            double[] got = merged.get(name).values();
            for (int j = 0; j < got.length; j += 11) {
                double lo = Math.min(x.get(name).values()[j], y.get(name).values()[j]);
                double hi = Math.max(x.get(name).values()[j], y.get(name).values()[j]);
                assertThat(got[j]).as("%s[%d]", name, j).isBetween(lo - 1e-6, hi + 1e-6);
                strictlyInside += got[j] > lo + 1e-6 && got[j] < hi - 1e-6 ? 1 : 0;
            }
        }
        assertThat(strictlyInside).isPositive();

        // the job's Fisher-weighted entries equal the formula evaluated here on the diagonals of the same probe
        // pairs, so the statistics survive their trip through the job's scratch files
        var b = TestSafetensors.read(base.resolve("model.safetensors"));
        Map<String, float[]> f1 = new LinkedHashMap<>();
        Map<String, float[]> f2 = new LinkedHashMap<>();
        try (BertEncoder encoder = BertEncoder.load(m1)) {
            FisherInformation.diagonal(
                    encoder, PairData.read(probe1, 3.0), 16, 8, 0.05, 0, BatchListener.NONE, f1::put);
        }
        try (BertEncoder encoder = BertEncoder.load(m2)) {
            FisherInformation.diagonal(
                    encoder, PairData.read(probe2, 3.0), 16, 8, 0.05, 0, BatchListener.NONE, f2::put);
        }
        for (String name :
                List.of("encoder.layer.4.intermediate.dense.weight", "encoder.layer.1.attention.self.key.bias")) {
            double[] got = merged.get(name).values();
            for (int j = 0; j < got.length; j += 7) {
                double w1 = f1.get(name)[j] + 1e-6;
                double w2 = 2.0 * (f2.get(name)[j] + 1e-6);
                double theta0 = b.get(name).values()[j];
                double expected = theta0
                        + (w1 * (x.get(name).values()[j] - theta0)
                                        + w2 * (y.get(name).values()[j] - theta0))
                                / (w1 + w2);
                assertThat(got[j]).as("%s[%d]", name, j).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        assertScratchRemoved();
    }

    @Test
    void regmeanSolvesLinearLayersAndAveragesTheRest() throws Exception {
        ApiClient api = new ApiClient(port);
        Path base = Path.of(URI.create(api.importBuiltin("builtin:all-minilm-l6-v2")));
        Path m1 = perturbed(base, 5);
        Path m2 = perturbed(base, 6);
        List<String> lines = Files.readAllLines(TestData.path("stsb-en-test"));
        Path probe = TestEnvironment.storageRoot().resolve("regmean-" + UUID.randomUUID() + ".tsv");
        Files.write(probe, lines.subList(0, 100));
        JsonNode job = api.awaitTerminal(
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%1$s",
                 "models": [{"uri": "%2$s", "probe": "%4$s"}, {"uri": "%3$s", "probe": "%4$s"}],
                 "method": {"name": "regmean", "params": {"regmeanExamples": 8, "scoreThreshold": 0}}}""".formatted(base.toUri(), m1.toUri(), m2.toUri(), probe.toUri()))
                        .body()
                        .path("id")
                        .asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(api.get("/v1/jobs/" + job.path("id").asString() + "/events")
                        .body()
                        .toString())
                .as("progress of the Gram passes and of the solves")
                .contains("model 2 of 2, batch 1/1", "solved 36 layers");
        Path out =
                Path.of(URI.create(job.path("result").path("output").path("uri").asString()));
        var merged = TestSafetensors.read(out.resolve("model.safetensors"));
        var x = TestSafetensors.read(m1.resolve("model.safetensors"));
        var y = TestSafetensors.read(m2.resolve("model.safetensors"));
        double[] bias = merged.get("encoder.layer.0.attention.self.query.bias").values();
        for (int j = 0; j < bias.length; j++) {
            double average = (x.get("encoder.layer.0.attention.self.query.bias").values()[j]
                            + y.get("encoder.layer.0.attention.self.query.bias").values()[j])
                    / 2;
            assertThat(bias[j]).isCloseTo(average, org.assertj.core.data.Offset.offset(1e-6));
        }
        double[] weight =
                merged.get("encoder.layer.0.attention.self.query.weight").values();
        double differs = 0;
        for (int j = 0; j < weight.length; j++) {
            double average =
                    (x.get("encoder.layer.0.attention.self.query.weight").values()[j]
                                    + y.get("encoder.layer.0.attention.self.query.weight")
                                            .values()[j])
                            / 2;
            assertThat(Double.isFinite(weight[j])).isTrue();
            differs = Math.max(differs, Math.abs(weight[j] - average));
        }
        assertThat(differs).as("the regression mean is not the plain average").isGreaterThan(1e-6);

        // every Linear weight equals the regression mean solved here from the same statistics
        List<TextPair> pairs = PairData.read(probe, 0);
        Map<String, double[]> g1;
        Map<String, double[]> g2;
        Map<String, float[]> w1 = new LinkedHashMap<>();
        Map<String, float[]> w2 = new LinkedHashMap<>();
        List<String> layers = List.of("encoder.layer.0.attention.self.value", "encoder.layer.5.output.dense");
        try (BertEncoder encoder = BertEncoder.load(m1)) {
            g1 = RegMean.gramMatrices(encoder, pairs, 8, 16, 0);
            layers.forEach(
                    l -> w1.put(l, encoder.parameters().get(l + ".weight").toFloatArray()));
        }
        try (BertEncoder encoder = BertEncoder.load(m2)) {
            g2 = RegMean.gramMatrices(encoder, pairs, 8, 16, 0);
            layers.forEach(
                    l -> w2.put(l, encoder.parameters().get(l + ".weight").toFloatArray()));
        }
        for (String layer : layers) {
            long[] shape = merged.get(layer + ".weight").shape();
            float[] expected = RegMean.solve(
                    List.of(g1.get(layer), g2.get(layer)),
                    List.of(w1.get(layer), w2.get(layer)),
                    (int) shape[1],
                    (int) shape[0],
                    0.9);
            double[] got = merged.get(layer + ".weight").values();
            for (int j = 0; j < got.length; j++) {
                assertThat(got[j])
                        .as("%s[%d]", layer, j)
                        .isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        assertScratchRemoved();
    }

    private static void assertScratchRemoved() throws Exception {
        Path scratch = TestEnvironment.storageRoot().resolve("cache").resolve("scratch");
        if (Files.exists(scratch)) {
            try (Stream<Path> left = Files.list(scratch)) {
                assertThat(left.toList()).as("scratch folders left behind").isEmpty();
            }
        }
    }
}
