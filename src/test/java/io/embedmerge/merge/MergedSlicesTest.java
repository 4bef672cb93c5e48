package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * mergekit's slices with several sources: each output layer is the method's merge of one layer of each source
 * (slice after slice), tensors outside the layers merged under their own names, parameters that vary across the
 * layers restarting at each slice. Against float64 references built from the renamed source tensors.
 * Tolerance: 1e-6 absolute on float32 output.
 */
class MergedSlicesTest {

    private static final double TOLERANCE = 1e-6;

    /** Four layers, two tensors each, plus embeddings and pooler. */
    private static Map<String, String> layout() {
        return layout(4);
    }

    private static Map<String, String> layout(int layers) {
        Map<String, String> layout = new LinkedHashMap<>();
        layout.put("embeddings.word_embeddings.weight:F32", "30x8");
        layout.put("embeddings.position_ids:I64", "1x12");
        for (int layer = 0; layer < layers; layer++) {
            layout.put("encoder.layer." + layer + ".attention.self.query.weight:BF16", "8x8");
            layout.put("encoder.layer." + layer + ".output.dense.weight:F32", "8x16");
        }
        layout.put("pooler.dense.bias:F16", "8");
        return layout;
    }

    private static Map<String, Object> source(Object model, int start, int end) {
        return Map.of("model", model, "layers", List.of(start, end));
    }

    /** Output layers 0-1: base 0-1, models[0] 2-3, models[1] 0-1; output layer 2: base 3, models[0] 0, models[1] 3. */
    private static final List<Map<String, Object>> SLICES = List.of(
            Map.of("sources", List.of(source("base", 0, 2), source(0, 2, 4), source(1, 0, 2))),
            Map.of("sources", List.of(source(1, 3, 4), source("base", 3, 4), source(0, 0, 1))));

    /** For each output tensor, the name of its source in the base and in each model. */
    private static Map<String, String[]> sources(Map<String, double[]> base) {
        int[][] layers = {{0, 2, 0}, {1, 3, 1}, {3, 0, 3}}; // per output layer: base, models[0], models[1]
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String name : base.keySet()) {
            int layer = LayerNames.layer(name);
            if (layer < 0) {
                out.put(name, new String[] {name, name, name});
            } else if (layer < 3) {
                out.put(name, new String[] {
                    LayerNames.renumber(name, layers[layer][0]),
                    LayerNames.renumber(name, layers[layer][1]),
                    LayerNames.renumber(name, layers[layer][2])
                });
            }
        }
        return out;
    }

    /** mergekit's t within the slices: output layers 0, 1 at 0 and 1 (a slice of two), layer 2 at 1 (a slice of one). */
    private static double slicePosition(String name) {
        int layer = LayerNames.layer(name);
        return layer < 0 ? 0 : layer == 0 ? 0 : 1;
    }

    private static Map<String, double[]> values(Path folder) {
        return ReferenceMerges.floating(TestSafetensors.read(folder.resolve("model.safetensors")));
    }

    private static Path merge(
            String method,
            Map<String, Object> params,
            List<Map<String, Object>> modelParams,
            Path base,
            List<Path> models) {
        return MergeHarness.merge(
                method,
                params,
                modelParams,
                java.util.Collections.nCopies(models.size(), 1.0),
                0,
                base,
                models,
                DType.F32,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES);
    }

    @Test
    void taskArithmeticMergesEachOutputLayerFromItsSourcesWithWeightsRestartingPerSlice() throws IOException {
        Path base = TestCheckpoints.create(layout(), 401);
        List<Path> models = List.of(TestCheckpoints.create(layout(), 402), TestCheckpoints.create(layout(), 403));
        Path out = merge(
                "task_arithmetic",
                Map.of("slices", SLICES),
                List.of(Map.of("weight", List.of(1.0, 2.0)), Map.of("weight", 0.5)),
                base,
                models);
        Map<String, Tensor> merged = MergeHarness.read(out);

        Map<String, double[]> b = values(base);
        Map<String, double[]> x = values(models.get(0));
        Map<String, double[]> y = values(models.get(1));
        Map<String, double[]> expected = new LinkedHashMap<>();
        sources(b).forEach((name, from) -> {
            double w = 1 + slicePosition(name);
            double[] r = new double[b.get(from[0]).length];
            for (int j = 0; j < r.length; j++) {
                double theta0 = b.get(from[0])[j];
                r[j] = theta0
                        + w * ((float) x.get(from[1])[j] - (float) theta0)
                        + 0.5 * ((float) y.get(from[2])[j] - (float) theta0);
            }
            expected.put(name, r);
        });
        assertThat(merged.keySet().stream()
                        .filter(n -> merged.get(n).values() != null)
                        .toList())
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
        assertThat(merged.get("embeddings.position_ids").longs())
                .containsExactly(TestSafetensors.read(base.resolve("model.safetensors"))
                        .get("embeddings.position_ids")
                        .longs());
        assertThat(JsonMapper.builder()
                        .build()
                        .readTree(Files.readString(out.resolve("config.json")))
                        .path("num_hidden_layers")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void tiesComputesItsStatisticsOnTheRenamedSources() {
        Path base = TestCheckpoints.create(layout(), 411);
        List<Path> models = List.of(TestCheckpoints.create(layout(), 412), TestCheckpoints.create(layout(), 413));
        Map<String, Tensor> merged = MergeHarness.read(
                merge("ties", Map.of("slices", SLICES, "density", 0.4, "granularity", "tensor"), null, base, models));
        Map<String, double[]> b = values(base);
        List<Map<String, double[]>> m = List.of(values(models.get(0)), values(models.get(1)));
        sources(b).forEach((name, from) -> {
            Map<String, double[]> expected = ReferenceMerges.ties(
                    Map.of(name, b.get(from[0])),
                    List.of(
                            Map.of(name, m.get(0).get(from[1])),
                            Map.of(name, m.get(1).get(from[2]))),
                    new double[] {1, 1},
                    new ReferenceMerges.TiesOptions(0.4, 1.0, false, true, false, false));
            assertThat(ReferenceMerges.maxAbsDiff(expected, Map.of(name, merged.get(name))))
                    .as(name)
                    .isLessThanOrEqualTo(TOLERANCE);
        });
    }

    @Test
    void oneSliceOverEveryLayerIsTheMergeWithoutSlicesByteForByte() throws IOException {
        // twelve layers: the file lists tensors in name order either way (encoder.layer.10 before encoder.layer.2)
        Path base = TestCheckpoints.create(layout(12), 421);
        Path model = TestCheckpoints.create(layout(12), 422);
        Map<String, Object> t =
                Map.of("t", List.of(Map.of("filter", "attention", "value", List.of(0.0, 1.0)), Map.of("value", 0.5)));
        Map<String, Object> sliced = new LinkedHashMap<>(t);
        sliced.put("slices", List.of(Map.of("sources", List.of(source("base", 0, 12), source(0, 0, 12)))));
        byte[] withSlices = Files.readAllBytes(
                merge("slerp_pair", sliced, null, base, List.of(model)).resolve("model.safetensors"));
        byte[] without = Files.readAllBytes(
                merge("slerp_pair", t, null, base, List.of(model)).resolve("model.safetensors"));
        assertThat(withSlices).isEqualTo(without);
    }

    @Test
    void eachSliceNamesTheBaseAndEveryModelOnceWithRangesOfOneLength() {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod linear = registry.require("linear");
        record Case(List<Object> sources, String field) {}
        for (Case c : List.of(
                new Case(List.of(source("base", 0, 2), source(0, 0, 2)), "method.params.slices[0].sources"),
                new Case(List.of(source(0, 0, 2), source(1, 0, 2)), "method.params.slices[0].sources"),
                new Case(
                        List.of(source("base", 0, 2), source(0, 0, 2), source(0, 2, 4)),
                        "method.params.slices[0].sources"),
                new Case(
                        List.of(source("base", 0, 2), source(0, 0, 2), source(2, 0, 2)),
                        "method.params.slices[0].sources"))) {
            MethodParams params = registry.validate(linear, Map.of("slices", List.of(Map.of("sources", c.sources()))));
            assertThatThrownBy(() -> registry.validateWeights(linear, params, List.of(1.0, 1.0)))
                    .isInstanceOf(InvalidMergeRequestException.class)
                    .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                            .as(c.toString())
                            .isEqualTo(c.field()));
        }
        assertThatThrownBy(() -> registry.validate(
                        linear,
                        Map.of("slices", List.of(Map.of("sources", List.of(source("base", 0, 2), source(0, 0, 3)))))))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("method.params.slices[0].sources[1].layers"));

        Path base = TestCheckpoints.create(layout(), 431);
        Path model = TestCheckpoints.create(layout(), 432);
        assertThatThrownBy(() -> merge(
                        "linear",
                        Map.of("slices", List.of(Map.of("sources", List.of(source("base", 2, 5), source(0, 0, 3))))),
                        null,
                        base,
                        List.of(model)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("method.params.slices[0].sources[0].layers"));
    }
}
