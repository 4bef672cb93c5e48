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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Probe mixtures through the API: their validation (422 naming the part's field, 400 for the wrong JSON type), a
 * self_positioning merge with an InfoNCE + CoSENT mixture, layer granularity, the relative penalty and early
 * stopping on the imported all-MiniLM-L6-v2 with two perturbed copies, and fisher and regmean on per-model mixtures,
 * whose merged tensors must equal the formulas evaluated here on the same sampled parts.
 */
class ProbeMixtureApiTest extends IntegrationTest {

    private static final Duration LONG = Duration.ofSeconds(300);

    @LocalServerPort
    int port;

    private static Path perturbed(Path model, long seed) {
        return TestCheckpoints.perturbed(
                model, TestEnvironment.storageRoot().resolve("mix-" + UUID.randomUUID()), seed);
    }

    private static Path stsFile(String name, int from, int to) throws Exception {
        Path file = TestEnvironment.storageRoot().resolve(name + "-" + UUID.randomUUID() + ".tsv");
        Files.write(file, Files.readAllLines(TestData.path("stsb-en-test")).subList(from, to));
        return file;
    }

    @Test
    void badPartsAreRefusedNamingTheirField() throws Exception {
        ApiClient api = new ApiClient(port);
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 71);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 72);
        String probe = stsFile("probe", 0, 50).toUri().toString();
        String sp = """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "self_positioning"},
                 "probe": %%s}""".formatted(base.toUri(), model.toUri());
        String part = "{\"uri\": \"" + probe + "\"}";

        assertProblem(
                api.post(
                        "/v1/jobs",
                        sp.formatted("[" + part + ", {\"uri\": \"" + probe + "\", \"objective\": \"cosine\"}]")),
                422,
                "probe[1].objective",
                "infonce or cosent");
        assertProblem(
                api.post("/v1/jobs", sp.formatted("[{\"uri\": \"" + probe + "\", \"weight\": 0}]")),
                422,
                "probe[0].weight",
                "positive");
        assertProblem(
                api.post("/v1/jobs", sp.formatted("[{\"uri\": \"" + probe + "\", \"examples\": 0}]")),
                422,
                "probe[0].examples",
                "at least 1");
        assertProblem(
                api.post(
                        "/v1/jobs",
                        sp.formatted("[" + String.join(", ", java.util.Collections.nCopies(9, part)) + "]")),
                422,
                "probe",
                "at most 8 parts");
        assertProblem(api.post("/v1/jobs", sp.formatted("[]")), 422, "probe", "at least one part");
        assertProblem(api.post("/v1/jobs", sp.formatted("[{\"weight\": 1}]")), 422, "probe[0].uri", "required");
        assertProblem(
                api.post(
                        "/v1/jobs",
                        sp.formatted("[" + part + ", {\"uri\": \"" + probe.replace(".tsv", "-missing.tsv") + "\"}]")),
                422,
                "probe[1].uri",
                "does not exist");
        assertProblem(
                api.post(
                        "/v1/jobs",
                        sp.formatted("[{\"uri\": \"" + probe + "\", \"label\": \"a\"}, {\"uri\": \"" + probe
                                + "\", \"label\": \"a\"}]")),
                422,
                "probe[1].label",
                "distinct");
        assertProblem(api.post("/v1/jobs", sp.formatted("42")), 400, "probe", "");
        assertProblem(
                api.post("/v1/jobs", sp.formatted("[{\"uri\": \"" + probe + "\", \"weight\": \"heavy\"}]")),
                400,
                "probe[0].weight",
                "a number");
        assertProblem(
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s", "probe": [{"uri": "%s", "weight": 2}]}],
                 "method": {"name": "regmean"}}""".formatted(base.toUri(), model.toUri(), probe)),
                422,
                "models[0].probe[0].weight",
                "union");
        assertProblem(
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s", "probe": [{"uri": "%s", "objective": "mse"}]}],
                 "method": {"name": "fisher"}}""".formatted(base.toUri(), model.toUri(), probe)),
                422,
                "models[0].probe[0].objective",
                "infonce or cosent");

        // both forms are stored and shown as they came in
        ApiClient.Response plain = api.post("/v1/jobs", sp.formatted("\"" + probe + "\""));
        ApiClient.Response mixture = api.post(
                "/v1/jobs",
                sp.formatted(
                        "[" + part + ", {\"uri\": \"" + probe
                                + "\", \"objective\": \"cosent\", \"weight\": 0.5, \"examples\": 10, \"label\": \"similarity\"}]"));
        assertThat(plain.status()).as(plain.body().toString()).isEqualTo(202);
        assertThat(mixture.status()).as(mixture.body().toString()).isEqualTo(202);
        for (ApiClient.Response submitted : List.of(plain, mixture)) {
            api.post("/v1/jobs/" + submitted.body().path("id").asString() + "/cancel", null);
        }
        JsonNode plainProbe = api.get("/v1/jobs/" + plain.body().path("id").asString())
                .body()
                .path("request")
                .path("probe");
        assertThat(plainProbe.isString()).as(plainProbe.toString()).isTrue();
        JsonNode parts = api.get("/v1/jobs/" + mixture.body().path("id").asString())
                .body()
                .path("request")
                .path("probe");
        assertThat(parts.isArray()).as(parts.toString()).isTrue();
        assertThat(parts.get(1).path("objective").asString()).isEqualTo("cosent");
        assertThat(parts.get(1).path("examples").asInt()).isEqualTo(10);
    }

    @Test
    void selfPositioningLearnsLayerCoefficientsOnAMixtureAndKeepsTheBestValidationStep() throws Exception {
        ApiClient api = new ApiClient(port);
        Path base = Path.of(URI.create(api.importBuiltin("builtin:all-minilm-l6-v2")));
        Path m1 = perturbed(base, 11);
        Path m2 = perturbed(base, 12);
        Path probe = stsFile("probe", 0, 300);
        JsonNode submitted = api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s", "label": "one"}, {"uri": "%s", "label": "two"}],
                 "probe": [{"uri": "%4$s", "objective": "infonce", "scoreThreshold": 3.5, "label": "paraphrases"},
                           {"uri": "%4$s", "objective": "cosent", "weight": 0.5, "examples": 64, "label": "similarity"}],
                 "method": {"name": "self_positioning",
                            "params": {"steps": 8, "batchSize": 8, "granularity": "layer", "penalty": "relative",
                                       "mu": 0.1, "validationFraction": 0.25, "validateEvery": 2, "patience": 2}},
                 "seed": 3}""".formatted(base.toUri(), m1.toUri(), m2.toUri(), probe.toUri()))
                .body();
        JsonNode job = api.awaitJob(
                submitted.path("id").asString(),
                j -> j.path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED"),
                LONG);
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode result = job.path("result");
        JsonNode coefficients = result.path("coefficients");
        assertThat(coefficients.path("lambda").isMissingNode()
                        || coefficients.path("lambda").isNull())
                .isTrue();
        assertThat(coefficients.path("penaltyReference").asDouble())
                .as("L₀ of the relative penalty")
                .isPositive();
        List<String> groups = new ArrayList<>();
        coefficients.path("layers").forEach(g -> groups.add(g.path("group").asString()));
        assertThat(groups)
                .containsExactly(
                        "other",
                        "encoder.layer.0",
                        "encoder.layer.1",
                        "encoder.layer.2",
                        "encoder.layer.3",
                        "encoder.layer.4",
                        "encoder.layer.5");

        JsonNode validation = result.path("validation");
        int lastStep = validation.path("lastStep").asInt();
        assertThat(validation.path("steps").get(0).asInt()).isZero();
        assertThat(validation.path("steps")).hasSameSizeAs(validation.path("loss"));
        int chosen = validation.path("chosenStep").asInt();
        double lowest = Double.POSITIVE_INFINITY;
        int lowestStep = -1;
        for (int k = 0; k < validation.path("steps").size(); k++) {
            if (validation.path("loss").get(k).asDouble() < lowest) {
                lowest = validation.path("loss").get(k).asDouble();
                lowestStep = validation.path("steps").get(k).asInt();
            }
        }
        assertThat(chosen).as("the kept step is the lowest check").isEqualTo(lowestStep);
        assertThat(result.path("lossCurve")).hasSize(lastStep);
        assertThat(result.path("probeLossCurves").path("paraphrases")).hasSize(lastStep);
        assertThat(result.path("probeLossCurves").path("similarity")).hasSize(lastStep);
        assertThat(result.path("probeLossCurves").path("similarity").get(0).asDouble())
                .as("CoSENT on 8 scored pairs is far from 0")
                .isGreaterThan(0.1);

        String report = api.getText("/v1/jobs/" + job.path("id").asString() + "/report", "text/html")
                .body();
        assertThat(report)
                .contains(
                        "Learned coefficients per layer",
                        "encoder.layer.5",
                        "part similarity",
                        "validation loss (kept step " + chosen + ")",
                        "<rect");

        // every tensor is θ0 + λ_g Σ c_{g,i} V_i with its own group's coefficients
        Map<String, JsonNode> byGroup = new LinkedHashMap<>();
        coefficients.path("layers").forEach(g -> byGroup.put(g.path("group").asString(), g));
        Path out = Path.of(URI.create(result.path("output").path("uri").asString()));
        var merged = TestSafetensors.read(out.resolve("model.safetensors"));
        var b = TestSafetensors.read(base.resolve("model.safetensors"));
        var x = TestSafetensors.read(m1.resolve("model.safetensors"));
        var y = TestSafetensors.read(m2.resolve("model.safetensors"));
        Map<String, String> groupOf = Map.of(
                "encoder.layer.2.attention.self.query.weight",
                "encoder.layer.2",
                "encoder.layer.5.output.LayerNorm.bias",
                "encoder.layer.5",
                "embeddings.LayerNorm.bias",
                "other");
        groupOf.forEach((name, group) -> {
            JsonNode g = byGroup.get(group);
            double lambda = g.path("lambda").asDouble();
            double c1 = g.path("c").get(0).asDouble();
            double c2 = g.path("c").get(1).asDouble();
            double[] got = merged.get(name).values();
            for (int j = 0; j < got.length; j += 7) {
                double theta0 = b.get(name).values()[j];
                double expected = theta0
                        + lambda
                                * (c1 * (x.get(name).values()[j] - theta0)
                                        + c2 * (y.get(name).values()[j] - theta0));
                assertThat(got[j]).as("%s[%d]", name, j).isCloseTo(expected, org.assertj.core.data.Offset.offset(2e-6));
            }
        });
        assertThat(byGroup.get("encoder.layer.2").path("c").toString())
                .as("the layers learned their own coefficients")
                .isNotEqualTo(byGroup.get("other").path("c").toString());
    }

    @Test
    void fisherAndRegmeanUseEachModelsMixture() throws Exception {
        ApiClient api = new ApiClient(port);
        Path base = Path.of(URI.create(api.importBuiltin("builtin:all-minilm-l6-v2")));
        Path m1 = perturbed(base, 13);
        Path m2 = perturbed(base, 14);
        Path pairs = stsFile("pairs", 0, 200);
        Path scored = stsFile("scored", 200, 300);
        String mixture = """
                [{"uri": "%s", "scoreThreshold": 3.0}, {"uri": "%s", "objective": "cosent", "weight": 0.5, "examples": 8}]""".formatted(pairs.toUri(), scored.toUri());
        List<WeightedProbe> parts = List.of(
                new WeightedProbe("probe[0]", ContrastiveTrainer.Objective.INFONCE, 1.0, PairData.read(pairs, 3.0)),
                new WeightedProbe("probe[1]", ContrastiveTrainer.Objective.COSENT, 0.5, PairData.readScored(scored)));
        long seed = 5;

        JsonNode fisher = api.awaitJob(
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s", "probe": %s}, {"uri": "%s", "probe": %s}],
                 "method": {"name": "fisher", "params": {"fisherExamples": 16, "batchSize": 8}}, "seed": %d}""".formatted(base.toUri(), m1.toUri(), mixture, m2.toUri(), mixture, seed))
                        .body()
                        .path("id")
                        .asString(),
                j -> j.path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED"),
                LONG);
        assertThat(fisher.path("status").asString()).as(fisher.toString()).isEqualTo("SUCCEEDED");
        // part 0: its first 16 pairs (fisherExamples) of a shuffle by seed; part 1: its own cap, 8, by seed + 1
        List<WeightedProbe> fisherParts =
                List.of(parts.get(0).sample(16, seed), parts.get(1).sample(8, seed + 1));
        Map<String, float[]> f1 = new LinkedHashMap<>();
        Map<String, float[]> f2 = new LinkedHashMap<>();
        try (BertEncoder encoder = BertEncoder.load(m1)) {
            FisherInformation.diagonal(encoder, fisherParts, 8, 0.05, BatchListener.NONE, f1::put);
        }
        try (BertEncoder encoder = BertEncoder.load(m2)) {
            FisherInformation.diagonal(encoder, fisherParts, 8, 0.05, BatchListener.NONE, f2::put);
        }
        var b = TestSafetensors.read(base.resolve("model.safetensors"));
        var x = TestSafetensors.read(m1.resolve("model.safetensors"));
        var y = TestSafetensors.read(m2.resolve("model.safetensors"));
        var merged = TestSafetensors.read(Path.of(URI.create(
                        fisher.path("result").path("output").path("uri").asString()))
                .resolve("model.safetensors"));
        for (String name :
                List.of("encoder.layer.4.intermediate.dense.weight", "encoder.layer.1.attention.self.key.bias")) {
            double[] got = merged.get(name).values();
            for (int j = 0; j < got.length; j += 7) {
                double w1 = f1.get(name)[j] + 1e-6;
                double w2 = f2.get(name)[j] + 1e-6;
                double theta0 = b.get(name).values()[j];
                double expected = theta0
                        + (w1 * (x.get(name).values()[j] - theta0)
                                        + w2 * (y.get(name).values()[j] - theta0))
                                / (w1 + w2);
                assertThat(got[j]).as("%s[%d]", name, j).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
            }
        }

        String unweighted = mixture.replace(", \"weight\": 0.5", "");
        JsonNode regmean = api.awaitJob(
                api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s", "probe": %s}, {"uri": "%s", "probe": %s}],
                 "method": {"name": "regmean", "params": {"regmeanExamples": 6, "batchSize": 8}}, "seed": %d}""".formatted(base.toUri(), m1.toUri(), unweighted, m2.toUri(), unweighted, seed))
                        .body()
                        .path("id")
                        .asString(),
                j -> j.path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED"),
                LONG);
        assertThat(regmean.path("status").asString()).as(regmean.toString()).isEqualTo("SUCCEEDED");
        // the union of part 0's first 6 pairs (regmeanExamples) and part 1's first 8 (its own cap)
        List<WeightedProbe> union =
                List.of(parts.get(0).sample(6, seed), parts.get(1).sample(8, seed + 1));
        String layer = "encoder.layer.3.attention.output.dense";
        double[] g1;
        double[] g2;
        float[] w1;
        float[] w2;
        try (BertEncoder encoder = BertEncoder.load(m1);
                RegMean.Grams g = RegMean.accumulate(encoder, union, 8, BatchListener.NONE)) {
            g1 = g.matrix(layer);
            w1 = encoder.parameters().get(layer + ".weight").toFloatArray();
        }
        try (BertEncoder encoder = BertEncoder.load(m2);
                RegMean.Grams g = RegMean.accumulate(encoder, union, 8, BatchListener.NONE)) {
            g2 = g.matrix(layer);
            w2 = encoder.parameters().get(layer + ".weight").toFloatArray();
        }
        var solved = TestSafetensors.read(Path.of(URI.create(
                        regmean.path("result").path("output").path("uri").asString()))
                .resolve("model.safetensors"));
        long[] shape = solved.get(layer + ".weight").shape();
        float[] expected = RegMean.solve(List.of(g1, g2), List.of(w1, w2), (int) shape[1], (int) shape[0], 0.9);
        double[] got = solved.get(layer + ".weight").values();
        for (int j = 0; j < got.length; j++) {
            assertThat(got[j]).as("%s[%d]", layer, j).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static void assertProblem(ApiClient.Response response, int status, String field, String message) {
        assertThat(response.status()).as(response.body().toString()).isEqualTo(status);
        List<String> fields = new ArrayList<>();
        response.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        assertThat(fields).as(response.body().toString()).contains(field);
        assertThat(response.body().toString()).contains(message);
    }
}
