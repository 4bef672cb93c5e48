package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.merge.FamilyReferences.Combine;
import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** models[i].params and per-tensor values (lists across the layers, filters) against float64 references. */
class PerModelAndTensorParamsTest {

    private static final double TOLERANCE = 1e-6;

    static Map<String, String> layeredLayout() {
        Map<String, String> layout = new LinkedHashMap<>();
        layout.put("embeddings.word_embeddings.weight:F32", "30x8");
        for (int layer = 0; layer < 3; layer++) {
            layout.put("encoder.layer." + layer + ".attention.self.query.weight:BF16", "8x8");
            layout.put("encoder.layer." + layer + ".output.dense.weight:F32", "8x16");
        }
        layout.put("pooler.dense.bias:F16", "8");
        return layout;
    }

    /** mergekit's t of a tensor of {@link #layeredLayout()}: layer k of 3 at k/2, the rest (embeddings, pooler) at 0. */
    static double layerPosition(String name) {
        int layer = LayerNames.layer(name);
        return layer < 0 ? 0 : layer / 2.0;
    }

    private static Map<String, double[]> values(Path folder) {
        return ReferenceMerges.floating(TestSafetensors.read(folder.resolve("model.safetensors")));
    }

    private static Map<String, Tensor> merge(
            String method,
            Map<String, Object> params,
            List<Map<String, Object>> modelParams,
            List<Double> weights,
            Path base,
            List<Path> models) {
        return MergeHarness.read(MergeHarness.merge(
                method,
                params,
                modelParams,
                weights,
                0,
                base,
                models,
                DType.F32,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES));
    }

    @Test
    void tiesTakesADensityPerModel() {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 81);
        List<Path> models = List.of(
                TestCheckpoints.create(TestCheckpoints.mixedLayout(), 82),
                TestCheckpoints.create(TestCheckpoints.mixedLayout(), 83));
        Map<String, Tensor> merged = merge(
                "ties",
                Map.of("density", 0.3),
                List.of(Map.of(), Map.of("density", 0.7)),
                List.of(1.0, 2.0),
                base,
                models);
        Map<String, double[]> expected = FamilyReferences.breadcrumbs(
                values(base),
                models.stream().map(PerModelAndTensorParamsTest::values).toList(),
                new double[] {1, 2},
                new double[] {0.3, 0.7},
                0.0,
                true,
                new Combine(1.0, true, false, true));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void weightsVaryAcrossLayersAndByFilter() {
        Path base = TestCheckpoints.create(layeredLayout(), 84);
        List<Path> models =
                List.of(TestCheckpoints.create(layeredLayout(), 85), TestCheckpoints.create(layeredLayout(), 86));
        List<Map<String, Object>> perModel = List.of(
                Map.of("weight", List.of(0.0, 0.5, 1.0)),
                Map.of(
                        "weight",
                        List.of(Map.of("filter", "attention", "value", 0.3), Map.of("value", List.of(1.0, 2.0)))));
        Map<String, Tensor> merged = merge("task_arithmetic", Map.of(), perModel, List.of(1.0, 1.0), base, models);
        Map<String, double[]> b = values(base);
        Map<String, double[]> x = values(models.get(0));
        Map<String, double[]> y = values(models.get(1));
        Map<String, double[]> expected = new LinkedHashMap<>();
        for (String name : b.keySet()) {
            // layer k of 3 sits at k/2; tensors outside the layers (embeddings, pooler) at 0, as mergekit
            double t = layerPosition(name);
            double w1 = t; // [0, 0.5, 1] interpolated
            double w2 = name.contains("attention") ? 0.3 : 1 + t;
            double[] v1 = ReferenceMerges.taskVector(b.get(name), x.get(name));
            double[] v2 = ReferenceMerges.taskVector(b.get(name), y.get(name));
            double[] r = new double[v1.length];
            for (int j = 0; j < r.length; j++) {
                r[j] = b.get(name)[j] + w1 * v1[j] + w2 * v2[j];
            }
            expected.put(name, r);
        }
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void densityListAcrossLayersNeedsTensorGranularityAndIsPerTensorThen() {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod ties = registry.require("ties");
        MethodParams params = registry.validate(ties, Map.of("density", List.of(0.2, 0.8)));
        assertThatThrownBy(() -> registry.validateWeights(ties, params, List.of(1.0, 1.0)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("method.params.density"));

        Path base = TestCheckpoints.create(layeredLayout(), 87);
        List<Path> models =
                List.of(TestCheckpoints.create(layeredLayout(), 88), TestCheckpoints.create(layeredLayout(), 89));
        Map<String, Tensor> merged = merge(
                "ties",
                Map.of("density", List.of(0.2, 0.8), "granularity", "tensor"),
                null,
                List.of(1.0, 1.0),
                base,
                models);
        Map<String, double[]> b = values(base);
        List<Map<String, double[]>> m =
                models.stream().map(PerModelAndTensorParamsTest::values).toList();
        for (String name : b.keySet()) {
            double t = layerPosition(name);
            double density = 0.2 + 0.6 * t;
            Map<String, double[]> one = Map.of(name, b.get(name));
            Map<String, double[]> expected = ReferenceMerges.ties(
                    one,
                    m.stream().map(v -> Map.of(name, v.get(name))).toList(),
                    new double[] {1, 1},
                    new ReferenceMerges.TiesOptions(density, 1.0, false, true, false, false));
            assertThat(ReferenceMerges.maxAbsDiff(expected, Map.of(name, merged.get(name))))
                    .as(name)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void perModelParametersAreCheckedByName() {
        MethodRegistry registry = new MethodRegistry();
        assertThatThrownBy(
                        () -> registry.validateModelParams(registry.require("slerp"), List.of(Map.of("density", 0.5))))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("models[0].params.density"));
        assertThatThrownBy(() -> registry.validateModelParams(
                        registry.require("della"),
                        Arrays.asList(null, Map.of("epsilon", List.of(Map.of("filter", 3, "value", 0.1))))))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("models[1].params.epsilon[0].filter"));
        MethodDescriptor ties = registry.require("ties").descriptor();
        ParamSpec density = ties.params().stream()
                .filter(p -> p.name().equals("density"))
                .findFirst()
                .orElseThrow();
        assertThat(density.scopes()).containsExactly(ParamScope.METHOD, ParamScope.MODEL, ParamScope.TENSOR);
    }
}
