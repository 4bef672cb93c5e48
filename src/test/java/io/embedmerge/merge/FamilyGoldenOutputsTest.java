package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.storage.FileDigests;
import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The task-arithmetic family keeps its outputs bit for bit: SHA-256 of float32 outputs recorded with the code before
 * the family was rebuilt from its parts (sparsify, sign consensus, combine).
 */
class FamilyGoldenOutputsTest {

    record Case(String method, Map<String, Object> params, List<Double> weights, String sha256) {}

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "linear",
                        Map.of(),
                        List.of(1.0, 2.0, 0.5),
                        "24d1dc56203d9920dc01ea81632d9864ef4a7af2779f2800e1ac5bcfee85815b"),
                new Case(
                        "linear",
                        Map.of("lambda", 0.7),
                        List.of(1.0, 2.0, 0.5, 1.5),
                        "2154d8cece65a4fba412ea63924730c82de831e16b1c4b2e82e8cc8c8c9933ea"),
                new Case(
                        "task_arithmetic",
                        Map.of("lambda", 0.6),
                        List.of(1.0, -0.5, 2.0),
                        "a0932a97e0f005409adc75299896ff062f0079874c1702ed562941ffba5b1973"),
                new Case(
                        "task_arithmetic",
                        Map.of("normalize", true),
                        List.of(1.0, 3.0),
                        "09464e4ba5e7f384c27e6c79497183986b3cf5793f7611445b79614b2efaf38b"),
                new Case(
                        "ties",
                        Map.of(),
                        List.of(1.0, -0.5, 2.0),
                        "14d05f325c07bd6e37ec0a73004912699db4ca87fd30efc65d9ae01705f60cd7"),
                new Case(
                        "ties",
                        Map.of("density", 0.4, "granularity", "tensor", "rescale", "norm", "signMethod", "count"),
                        List.of(1.0, 0.5, 2.0, 1.0),
                        "633503689a310966733d2b44a9d2da55f93c4e1621fa9f75465639658250ef34"),
                new Case(
                        "ties",
                        Map.of("density", 0.3, "normalize", false, "rescale", "norm", "lambda", 1.3),
                        List.of(1.0, 2.0),
                        "ec5c5c349dfbe8f2e64639fed67627768a9cdbbe769dbd5e8d50863bbbaed0d5"),
                new Case(
                        "dare_linear",
                        Map.of("density", 0.3),
                        List.of(1.0, 0.5, 2.0),
                        "3d272cbcf02c4931007763e213d8846dab4aebfbaf4e893de90c0781cb4c5c35"),
                new Case(
                        "dare_linear",
                        Map.of("density", 0.6, "normalize", false, "lambda", 0.8),
                        List.of(1.0, 1.0, 1.0, 1.0, 1.0),
                        "3dc701d91d353c7fdea0e4b84b861032c2f000c0224e71af023aadb5f8a9c3f8"),
                new Case(
                        "dare_ties",
                        Map.of("density", 0.4),
                        List.of(1.0, 2.0, 1.0),
                        "96ff369507c73b5c4ae53819bbc61644f919acbdf3916b6275f55af64af05093"),
                new Case(
                        "dare_ties",
                        Map.of("density", 0.7, "signMethod", "count", "normalize", false),
                        List.of(1.0, -1.0),
                        "db9b2718afa4fbfc7e9abd22aeacc9df45f4a3742c153413255bdad31f62bc8b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void outputIsUnchanged(Case c) throws IOException {
        Map<String, String> layout = new java.util.LinkedHashMap<>(TestCheckpoints.mixedLayout());
        layout.put("encoder.layer.1.intermediate.dense.weight:F32", "300x400");
        Path base = TestCheckpoints.create(layout, 100);
        List<Path> models = new java.util.ArrayList<>();
        for (int i = 0; i < c.weights().size(); i++) {
            models.add(TestCheckpoints.create(layout, 101 + i));
        }
        Path out = MergeHarness.merge(
                c.method(),
                c.params(),
                c.weights(),
                17,
                base,
                models,
                io.embedmerge.tensor.DType.F32,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES);
        String sha = FileDigests.sha256Hex(Files.readAllBytes(out.resolve("model.safetensors")));
        assertThat(sha).isEqualTo(c.sha256());
    }
}
