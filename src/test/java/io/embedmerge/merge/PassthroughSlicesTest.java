package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.CheckpointFormatException;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** passthrough with slices: layer stacking from several models, tensors copied exactly and renumbered. */
class PassthroughSlicesTest {

    @TempDir
    static Path dir;

    private static final List<Map<String, Object>> STACK =
            List.of(Map.of("model", 0, "layers", List.of(0, 4)), Map.of("model", 1, "layers", List.of(2, 6)));

    @BeforeAll
    static void checkpoints() {
        SyntheticCheckpoints.write(dir.resolve("six"), new SyntheticCheckpoints.Shape(6, 32, 64, 50), DType.F32, 2, 11);
        SyntheticCheckpoints.write(
                dir.resolve("wide"), new SyntheticCheckpoints.Shape(6, 64, 64, 50), DType.F32, 1, 12);
    }

    private static Path merge(List<Map<String, Object>> slices, Path base, List<Path> models) {
        return MergeHarness.merge(
                "passthrough",
                Map.of("slices", slices),
                java.util.Collections.nCopies(models.size(), 1.0),
                0,
                base,
                models,
                null,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES);
    }

    @Test
    void stacksLayerRangesOfSeveralModelsRenumberedWithTheBasesEmbeddingsAndDepth() throws Exception {
        Path base = dir.resolve("six/base");
        Path a = dir.resolve("six/model-1");
        Path b = dir.resolve("six/model-2");
        Path out = merge(STACK, base, List.of(a, b));

        Map<String, Tensor> merged = MergeHarness.read(out);
        Map<String, Tensor> baseTensors = TestSafetensors.read(base.resolve("model.safetensors"));
        Map<String, Tensor> aTensors = TestSafetensors.read(a.resolve("model.safetensors"));
        Map<String, Tensor> bTensors = TestSafetensors.read(b.resolve("model.safetensors"));
        long nonLayer = baseTensors.keySet().stream()
                .filter(n -> LayerNames.layer(n) < 0)
                .count();
        long perLayer = baseTensors.keySet().stream()
                .filter(n -> LayerNames.layer(n) == 0)
                .count();
        assertThat(merged).hasSize((int) (nonLayer + 8 * perLayer));
        merged.forEach((name, tensor) -> {
            int layer = LayerNames.layer(name);
            Tensor expected = layer < 0
                    ? baseTensors.get(name)
                    : layer < 4 ? aTensors.get(name) : bTensors.get(LayerNames.renumber(name, layer - 4 + 2));
            assertThat(expected).as(name).isNotNull();
            assertThat(tensor.dtype()).as(name).isEqualTo(expected.dtype());
            assertThat(tensor.shape()).as(name).containsExactly(expected.shape());
            if (tensor.values() != null) {
                assertThat(tensor.values()).as(name).containsExactly(expected.values());
            } else {
                assertThat(tensor.longs()).as(name).containsExactly(expected.longs());
            }
        });
        // the copies are not the base's own layers (the variants differ from it)
        assertThat(merged.get("encoder.layer.5.output.dense.weight").values())
                .isNotEqualTo(
                        baseTensors.get("encoder.layer.5.output.dense.weight").values());

        JsonNode config =
                JsonMapper.builder().build().readTree(out.resolve("config.json").toFile());
        assertThat(config.path("num_hidden_layers").asInt()).isEqualTo(8);
        assertThat(config.path("hidden_size").asInt()).isEqualTo(32);
        assertThat(config.path("layer_norm_eps").asDouble()).isEqualTo(1e-12);
        assertThat(out.resolve("1_Pooling/config.json")).exists();

        // the deeper checkpoint loads in the encoder and embeds
        try (BertEncoder encoder = BertEncoder.load(out, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(encoder.config().layers()).isEqualTo(8);
            Shape shape = new Shape(1, 4);
            NDArray embedding = encoder.embed(
                    manager.create(new long[] {2, 5, 7, 3}, shape),
                    manager.zeros(shape, DataType.INT64),
                    manager.ones(shape, DataType.INT64));
            float[] values = embedding.toFloatArray();
            assertThat(values).hasSize(32);
            for (float v : values) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void theBaseCanBeASourceAndAModelCanRepeat() {
        Path base = dir.resolve("six/base");
        Path a = dir.resolve("six/model-1");
        Map<String, Tensor> merged = MergeHarness.read(merge(
                List.of(
                        Map.of("model", "base", "layers", List.of(5, 6)),
                        Map.of("model", 0, "layers", List.of(0, 2)),
                        Map.of("model", 0, "layers", List.of(0, 1))),
                base,
                List.of(a)));
        Map<String, Tensor> baseTensors = TestSafetensors.read(base.resolve("model.safetensors"));
        Map<String, Tensor> aTensors = TestSafetensors.read(a.resolve("model.safetensors"));
        String name = "encoder.layer.%d.attention.self.query.weight";
        assertThat(merged.get(name.formatted(0)).values())
                .containsExactly(baseTensors.get(name.formatted(5)).values());
        assertThat(merged.get(name.formatted(2)).values())
                .containsExactly(aTensors.get(name.formatted(1)).values());
        assertThat(merged.get(name.formatted(3)).values())
                .containsExactly(aTensors.get(name.formatted(0)).values());
        assertThat(merged).doesNotContainKey(name.formatted(4));
    }

    @Test
    void aModelOfAnotherHiddenSizeIsRefusedNamingTheTensor() {
        assertThatThrownBy(() -> merge(
                        STACK,
                        dir.resolve("six/base"),
                        List.of(dir.resolve("six/model-1"), dir.resolve("wide/model-1"))))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("encoder.layer.2.")
                .hasMessageContaining("models[1]");
    }

    @Test
    void aSliceBeyondTheModelsLayersIsRefusedNamingTheField() {
        assertThatThrownBy(() -> merge(
                        List.of(
                                Map.of("model", 0, "layers", List.of(0, 4)),
                                Map.of("model", 1, "layers", List.of(2, 7))),
                        dir.resolve("six/base"),
                        List.of(dir.resolve("six/model-1"), dir.resolve("six/model-2"))))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("method.params.slices[1].layers"))
                .hasMessageContaining("6 layer(s)");
    }

    @Test
    void malformedSlicesAreRefusedAtSubmitNamingTheField() {
        MethodRegistry methods = new MethodRegistry();
        MergeMethod passthrough = methods.require("passthrough");
        assertThatThrownBy(() -> methods.validateWeights(
                        passthrough, methods.validate(passthrough, Map.of("slices", STACK)), List.of(1.0)))
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("method.params.slices[1].model"));
        assertThatThrownBy(() -> methods.validate(
                        passthrough, Map.of("slices", List.of(Map.of("model", 0, "layers", List.of(3, 3))))))
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("method.params.slices[0].layers"));
        assertThatThrownBy(() -> methods.validate(
                        passthrough, Map.of("slices", List.of(Map.of("model", "x", "layers", List.of(0, 1))))))
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("method.params.slices[0].model"));
        // without slices passthrough still takes exactly one model
        assertThatThrownBy(() -> methods.validateWeights(
                        passthrough, methods.validate(passthrough, Map.of()), List.of(1.0, 1.0)))
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("models"));
    }
}
