package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.Rounding;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * linear and task_arithmetic end to end over HTTP: the service's output is compared with a float64 reference
 * computed here from the exact stored input values (merge-methods.md: V_m = λ Σ w_i V_i / Σ w_i or λ Σ w_i V_i).
 */
class LinearMergeApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private record Inputs(Path base, List<Path> models) {}

    private Inputs inputs(int models) {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 100);
        List<Path> list = new java.util.ArrayList<>();
        for (int i = 0; i < models; i++) {
            list.add(TestCheckpoints.create(TestCheckpoints.mixedLayout(), 200 + i));
        }
        return new Inputs(base, list);
    }

    private JsonNode merge(Inputs in, double[] weights, String method, String params, String dtype) {
        StringBuilder models = new StringBuilder();
        for (int i = 0; i < in.models().size(); i++) {
            models.append(i == 0 ? "" : ",")
                    .append("{\"uri\": \"")
                    .append(TestCheckpoints.uri(in.models().get(i)))
                    .append("\", \"weight\": ")
                    .append(weights[i])
                    .append(", \"label\": \"m")
                    .append(i)
                    .append("\"}");
        }
        String body = """
                {"kind": "merge", "base": "%s", "models": [%s], "method": {"name": "%s", "params": %s}%s}
                """.formatted(
                        TestCheckpoints.uri(in.base()),
                        models,
                        method,
                        params,
                        dtype == null ? "" : ", \"outputDtype\": \"" + dtype + "\"");
        ApiClient api = new ApiClient(port);
        ApiClient.Response submitted = api.post("/v1/jobs", body);
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        assertThat(submitted.header("Location"))
                .isEqualTo("/v1/jobs/" + submitted.body().path("id").asString());
        return api.awaitTerminal(submitted.body().path("id").asString());
    }

    /** θ0 + λ Σ w_i (θ_i − θ0) / (normalize ? Σ w_i : 1), in float64. */
    private static double[] reference(
            double[] base, List<double[]> models, double[] w, double lambda, boolean normalize) {
        double sumW = 0;
        for (double x : w) {
            sumW += x;
        }
        double[] out = new double[base.length];
        for (int j = 0; j < base.length; j++) {
            double acc = 0;
            for (int i = 0; i < models.size(); i++) {
                acc += w[i] * (models.get(i)[j] - base[j]);
            }
            out[j] = base[j] + lambda * acc / (normalize ? sumW : 1.0);
        }
        return out;
    }

    private static Path outputFolder(JsonNode job) {
        return Path.of(URI.create(job.path("result").path("output").path("uri").asString()));
    }

    @Test
    void linearWithF32OutputMatchesFloat64ReferenceWithin1e6() throws Exception {
        Inputs in = inputs(3);
        double[] w = {1.0, 3.0, 0.5};
        JsonNode job = merge(in, w, "linear", "{\"lambda\": 0.8}", "f32");
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");

        Path out = outputFolder(job);
        Map<String, Tensor> merged = TestSafetensors.read(out.resolve("model.safetensors"));
        Map<String, Tensor> base = TestSafetensors.read(in.base().resolve("model.safetensors"));
        List<Map<String, Tensor>> models = in.models().stream()
                .map(p -> TestSafetensors.read(p.resolve("model.safetensors")))
                .toList();
        assertThat(merged.keySet()).containsExactlyInAnyOrderElementsOf(base.keySet());
        for (var e : base.entrySet()) {
            Tensor result = merged.get(e.getKey());
            assertThat(result.shape()).isEqualTo(e.getValue().shape());
            if (e.getValue().dtype().equals("I64")) {
                assertThat(result.dtype()).isEqualTo("I64");
                assertThat(result.longs()).isEqualTo(e.getValue().longs());
                continue;
            }
            assertThat(result.dtype()).isEqualTo("F32");
            double[] ref = reference(
                    e.getValue().values(),
                    models.stream().map(m -> m.get(e.getKey()).values()).toList(),
                    w,
                    0.8,
                    true);
            assertThat(maxAbsDiff(ref, result.values())).as(e.getKey()).isLessThanOrEqualTo(1e-6);
        }
        assertThat(TestSafetensors.metadata(out.resolve("model.safetensors"))).containsEntry("format", "pt");
        assertThat(Files.readString(out.resolve("config.json")))
                .isEqualTo(Files.readString(in.base().resolve("config.json")));
        assertThat(Files.readString(out.resolve("1_Pooling/config.json")))
                .isEqualTo(Files.readString(in.base().resolve("1_Pooling/config.json")));
        assertFilesListedWithChecksums(job, out);
        JsonNode manifest = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(out.resolve("merge-manifest.json").toFile());
        assertThat(manifest.path("jobId").asString()).isEqualTo(job.path("id").asString());
        assertThat(manifest.path("method").path("params").path("normalize").asBoolean())
                .isTrue();
        assertThat(manifest.path("inputs")).hasSize(4);
        assertThat(manifest.path("inputs")
                        .get(1)
                        .path("files")
                        .get(0)
                        .path("sha256")
                        .asString())
                .isEqualTo(sha256(in.models().get(0).resolve("1_Pooling/config.json")));
        // the job's result and report page show what the manifest records
        JsonNode result = job.path("result");
        assertThat(result.path("method")).isEqualTo(manifest.path("method"));
        assertThat(result.path("inputs")).isEqualTo(manifest.path("inputs"));
        String report = new ApiClient(port)
                .getText("/v1/jobs/" + job.path("id").asString() + "/report", "text/html")
                .body();
        assertThat(report)
                .contains(
                        "<h2>Method</h2>",
                        "<code>linear</code>",
                        "lambda",
                        "0.8",
                        "<h2>Inputs</h2>",
                        sha256(in.base().resolve("model.safetensors")),
                        sha256(in.models().get(2).resolve("model.safetensors")),
                        "<h2>Time per stage</h2>",
                        "<td class='l'>queued</td>",
                        "<td class='l'>merging</td>",
                        "<td class='l'>publishing</td>");
    }

    @Test
    void taskArithmeticWithBf16OutputEqualsRoundedReferenceExactly() {
        Inputs in = inputs(2);
        double[] w = {0.7, -0.4};
        JsonNode job = merge(in, w, "task_arithmetic", "{\"lambda\": 1.5}", "bf16");
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertRoundedExactly(in, job, w, 1.5, false, "BF16");
    }

    @Test
    void linearWithF16OutputEqualsRoundedReferenceExactly() {
        Inputs in = inputs(2);
        double[] w = {1.0, 1.0};
        JsonNode job = merge(in, w, "linear", "{}", "f16");
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertRoundedExactly(in, job, w, 1.0, true, "F16");
    }

    @Test
    void withoutOutputDtypeEachTensorKeepsTheBaseDtype() {
        Inputs in = inputs(2);
        double[] w = {1.0, 2.0};
        JsonNode job = merge(in, w, "task_arithmetic", "{\"normalize\": true}", null);
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        Map<String, Tensor> merged = TestSafetensors.read(outputFolder(job).resolve("model.safetensors"));
        Map<String, Tensor> base = TestSafetensors.read(in.base().resolve("model.safetensors"));
        base.forEach((name, t) -> assertThat(merged.get(name).dtype()).as(name).isEqualTo(t.dtype()));
        assertRoundedExactly(in, job, w, 1.0, true, null);
    }

    /**
     * bf16/f16 tensors equal the float64 reference rounded to float32 and then to that dtype, bit for bit. f32
     * tensors are held to 1e-6: where the exact result is a float32 tie, the last bit depends on the order of
     * float64 operations, so bitwise equality with any particular reference is not a meaningful requirement.
     */
    private void assertRoundedExactly(
            Inputs in, JsonNode job, double[] w, double lambda, boolean normalize, String dtype) {
        Map<String, Tensor> merged = TestSafetensors.read(outputFolder(job).resolve("model.safetensors"));
        Map<String, Tensor> base = TestSafetensors.read(in.base().resolve("model.safetensors"));
        List<Map<String, Tensor>> models = in.models().stream()
                .map(p -> TestSafetensors.read(p.resolve("model.safetensors")))
                .toList();
        for (var e : base.entrySet()) {
            if (e.getValue().dtype().equals("I64")) {
                assertThat(merged.get(e.getKey()).longs())
                        .isEqualTo(e.getValue().longs());
                continue;
            }
            String expectedType = dtype != null ? dtype : e.getValue().dtype();
            assertThat(merged.get(e.getKey()).dtype()).isEqualTo(expectedType);
            double[] ref = reference(
                    e.getValue().values(),
                    models.stream().map(m -> m.get(e.getKey()).values()).toList(),
                    w,
                    lambda,
                    normalize);
            double[] got = merged.get(e.getKey()).values();
            if (expectedType.equals("F32")) {
                assertThat(maxAbsDiff(ref, got)).as(e.getKey()).isLessThanOrEqualTo(1e-6);
                continue;
            }
            for (int j = 0; j < ref.length; j++) {
                double expected = switch (expectedType) {
                    case "BF16" -> Float.intBitsToFloat((Rounding.toBf16Bits(ref[j]) & 0xFFFF) << 16);
                    default -> Rounding.fromF16Bits(Rounding.toF16Bits(ref[j]));
                };
                assertThat(got[j]).as("%s[%d]", e.getKey(), j).isEqualTo(expected);
            }
        }
    }

    private static void assertFilesListedWithChecksums(JsonNode job, Path out) throws Exception {
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode file : job.path("result").path("output").path("files")) {
            Path path = out.resolve(file.path("name").asString());
            names.add(file.path("name").asString());
            assertThat(Files.size(path)).isEqualTo(file.path("bytes").asLong());
            assertThat(sha256(path))
                    .as(path.toString())
                    .isEqualTo(file.path("sha256").asString());
        }
        assertThat(names).contains("model.safetensors", "config.json", "1_Pooling/config.json", "merge-manifest.json");
        assertThat(names.getLast()).isEqualTo("merge-manifest.json");
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void tiesThroughTheApiReportsStatisticsPassesAndShardsTheOutput() {
        Inputs in = inputs(2);
        String body = """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}, {"uri": "%s"}],
                 "method": {"name": "ties", "params": {"density": 0.3}}, "maxShardBytes": 3000}
                """.formatted(
                        TestCheckpoints.uri(in.base()),
                        TestCheckpoints.uri(in.models().get(0)),
                        TestCheckpoints.uri(in.models().get(1)));
        ApiClient api = new ApiClient(port);
        JsonNode job;
        String id;
        // slow the write pass down so that progress is reported between tensors, with an ETA
        io.embedmerge.support.TensorPacing.delayMillis = 60;
        try {
            id = api.post("/v1/jobs", body).body().path("id").asString();
            job = api.awaitTerminal(id);
        } finally {
            io.embedmerge.support.TensorPacing.delayMillis = 0;
        }
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        List<String> names = new java.util.ArrayList<>();
        job.path("result")
                .path("output")
                .path("files")
                .forEach(f -> names.add(f.path("name").asString()));
        assertThat(names)
                .contains("model.safetensors.index.json")
                .doesNotContain("model.safetensors")
                .anyMatch(n -> n.matches("model-00001-of-0000[2-9]\\.safetensors"));
        String events = api.get("/v1/jobs/" + id + "/events").body().toString();
        assertThat(events).contains("statistics:ties-threshold", "ETA");
    }
}
