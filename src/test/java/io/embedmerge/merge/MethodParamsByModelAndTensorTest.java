package io.embedmerge.merge;

import static io.embedmerge.merge.PerModelAndTensorParamsTest.layerPosition;
import static io.embedmerge.merge.PerModelAndTensorParamsTest.layeredLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * Per-model ({@code models[i].params}) and per-tensor parameters of the methods outside the task-arithmetic family,
 * where mergekit has them (weight per model for multislerp and nuslerp, t per tensor for nearswap, select_topk for
 * sce, scale per model for passthrough; and this service's slerp and karcher weights), each against a float64
 * reference evaluated tensor by tensor. Tolerance: 1e-6 absolute on float32 output.
 */
class MethodParamsByModelAndTensorTest {

    private static final double TOLERANCE = 1e-6;
    private static final List<Object> ATTENTION_OR_HALF =
            List.of(Map.of("filter", "attention", "value", 2.0), Map.of("value", 0.5));

    private static Path checkpoint(long seed) {
        return TestCheckpoints.create(layeredLayout(), seed);
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

    /** [1, 3] across the layers. */
    private static double rising(String name) {
        return 1 + 2 * layerPosition(name);
    }

    private static double attentionOrHalf(String name) {
        return name.contains("attention") ? 2.0 : 0.5;
    }

    /** A reference that merges one tensor at a time, given the tensor's name and its values in each input. */
    @FunctionalInterface
    private interface TensorReference {
        Map<String, double[]> merge(String name, Map<String, double[]> base, List<Map<String, double[]>> models);
    }

    private static Map<String, double[]> tensorByTensor(Path base, List<Path> models, TensorReference reference) {
        Map<String, double[]> b = values(base);
        List<Map<String, double[]>> m =
                models.stream().map(MethodParamsByModelAndTensorTest::values).toList();
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : b.keySet()) {
            out.putAll(reference.merge(
                    name,
                    Map.of(name, b.get(name)),
                    m.stream().map(x -> Map.of(name, x.get(name))).toList()));
        }
        return out;
    }

    @Test
    void slerpTakesWeightsAndLambdaPerTensorWithTensorGranularity() {
        Path base = checkpoint(201);
        List<Path> models = List.of(checkpoint(202), checkpoint(203));
        Map<String, Tensor> merged = merge(
                "slerp",
                Map.of("granularity", "tensor", "lambda", List.of(0.5, 1.5)),
                List.of(Map.of("weight", List.of(1.0, 3.0)), Map.of("weight", ATTENTION_OR_HALF)),
                List.of(1.0, 1.0),
                base,
                models);
        Map<String, double[]> expected = tensorByTensor(
                base,
                models,
                (name, b, m) -> ReferenceMerges.slerp(
                        b, m, new double[] {rising(name), attentionOrHalf(name)}, 0.5 + layerPosition(name), false));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void slerpRefusesAWeightThatVariesWithModelGranularityAndAWeightNotAboveZero() {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod slerp = registry.require("slerp");
        MethodParams params = registry.validate(slerp, Map.of());
        List<MethodParams> varying = registry.validateModelParams(slerp, List.of(Map.of("weight", List.of(1.0, 2.0))));
        assertThatThrownBy(() -> registry.validateWeights(slerp, params, varying, List.of(1.0)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("models[0].params.weight"));
        List<MethodParams> zero = registry.validateModelParams(
                slerp,
                List.of(
                        Map.of(),
                        Map.of("weight", List.of(Map.of("filter", "query", "value", 0.0), Map.of("value", 1.0)))));
        MethodParams perTensor = registry.validate(slerp, Map.of("granularity", "tensor"));
        assertThatThrownBy(() -> registry.validateWeights(slerp, perTensor, zero, List.of(1.0, 1.0)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("models[1].params.weight"));
    }

    @Test
    void multislerpTakesAWeightPerModelThatVariesPerTensor() {
        Path base = checkpoint(211);
        List<Path> models = List.of(checkpoint(212), checkpoint(213), checkpoint(214));
        Map<String, Tensor> merged = merge(
                "multislerp",
                Map.of(),
                List.of(Map.of("weight", List.of(1.0, 3.0)), Map.of("weight", ATTENTION_OR_HALF), Map.of()),
                List.of(1.0, 1.0, 0.25),
                base,
                models);
        Map<String, double[]> expected = tensorByTensor(
                base,
                models,
                (name, b, m) -> FamilyReferences.multislerp(
                        b, m, new double[] {rising(name), attentionOrHalf(name), 0.25}, true));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void nuslerpTakesAWeightPerModelThatVariesPerTensor() {
        Path base = checkpoint(221);
        List<Path> models = List.of(checkpoint(222), checkpoint(223));
        Map<String, Tensor> merged = merge(
                "nuslerp",
                Map.of(),
                List.of(Map.of("weight", List.of(1.0, 3.0)), Map.of("weight", ATTENTION_OR_HALF)),
                List.of(1.0, 1.0),
                base,
                models);
        Map<String, double[]> expected = tensorByTensor(
                base,
                models,
                (name, b, m) ->
                        NewMethodsTest.nuslerp(b, m, attentionOrHalf(name) / (rising(name) + attentionOrHalf(name))));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void karcherTakesWeightsAndTolPerTensor() {
        Path base = checkpoint(231);
        List<Path> models = List.of(checkpoint(232), checkpoint(233), checkpoint(234));
        Map<String, Tensor> merged = merge(
                "karcher",
                Map.of("tol", List.of(1e-6, 1e-4), "maxIter", 15),
                List.of(Map.of("weight", List.of(1.0, 3.0)), Map.of(), Map.of("weight", ATTENTION_OR_HALF)),
                List.of(1.0, 2.0, 1.0),
                base,
                models);
        Map<String, double[]> expected = tensorByTensor(base, models, (name, b, m) -> {
            double[] w = {rising(name), 2.0, attentionOrHalf(name)};
            double sum = Arrays.stream(w).sum();
            return FamilyReferences.karcher(
                    m, Arrays.stream(w).map(x -> x / sum).toArray(), 15, 1e-6 + (1e-4 - 1e-6) * layerPosition(name));
        });
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void sceTakesSelectTopkPerTensor() {
        Path base = checkpoint(241);
        List<Path> models = List.of(checkpoint(242), checkpoint(243), checkpoint(244));
        Map<String, Tensor> merged =
                merge("sce", Map.of("selectTopk", List.of(0.2, 1.0)), null, List.of(1.0, 1.0, 1.0), base, models);
        Map<String, double[]> expected =
                tensorByTensor(base, models, (name, b, m) -> NewMethodsTest.sce(b, m, 0.2 + 0.8 * layerPosition(name)));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void nearswapTakesTPerTensor() {
        Path base = checkpoint(251);
        Path model = checkpoint(252);
        Map<String, Tensor> merged = merge(
                "nearswap",
                Map.of("t", List.of(Map.of("filter", "output", "value", List.of(0.1, 1.5)), Map.of("value", 0.5))),
                null,
                List.of(1.0),
                base,
                List.of(model));
        Map<String, double[]> b = values(base);
        Map<String, double[]> m = values(model);
        Map<String, double[]> expected = new LinkedHashMap<>();
        b.forEach((name, x) -> {
            double t = name.contains("output") ? 0.1 + 1.4 * layerPosition(name) : 0.5;
            double[] r = new double[x.length];
            for (int j = 0; j < r.length; j++) {
                double w = Math.max(0, Math.min(1, t / Math.max(Math.abs(m.get(name)[j] - x[j]), 1e-6)));
                r[j] = w * m.get(name)[j] + (1 - w) * x[j];
            }
            expected.put(name, r);
        });
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void passthroughTakesAScalePerModelThatVariesPerTensor() {
        Path base = checkpoint(261);
        Path a = checkpoint(262);
        Path b = checkpoint(263);
        Map<String, Tensor> copied = merge(
                "passthrough",
                Map.of("scale", 3.0),
                List.of(Map.of("scale", List.of(1.0, 3.0))),
                List.of(1.0),
                base,
                List.of(a));
        Map<String, double[]> expected = new LinkedHashMap<>();
        values(a)
                .forEach((name, x) -> expected.put(
                        name, Arrays.stream(x).map(v -> v * rising(name)).toArray()));
        assertThat(ReferenceMerges.maxAbsDiff(expected, copied)).isLessThanOrEqualTo(TOLERANCE);

        // stacked: layers 0-1 from a (× its scale), 2 from b (× the method-wide scale), the rest from the base (× it
        // too)
        List<Map<String, Object>> slices = List.of(
                Map.of("model", 0, "layers", List.of(0, 2)),
                Map.of("sources", List.of(Map.of("model", 1, "layers", List.of(1, 2)))));
        Map<String, Tensor> stacked = merge(
                "passthrough",
                Map.of("scale", 0.5, "slices", slices),
                List.of(Map.of("scale", ATTENTION_OR_HALF), Map.of()),
                List.of(1.0, 1.0),
                base,
                List.of(a, b));
        Map<String, double[]> baseValues = values(base);
        Map<String, double[]> aValues = values(a);
        Map<String, double[]> bValues = values(b);
        Map<String, double[]> expectedStack = new LinkedHashMap<>();
        baseValues.forEach((name, x) -> {
            int layer = LayerNames.layer(name);
            double[] source = layer < 0 ? x : layer < 2 ? aValues.get(name) : bValues.get(LayerNames.renumber(name, 1));
            double scale = layer >= 0 && layer < 2 ? attentionOrHalf(name) : 0.5;
            expectedStack.put(name, Arrays.stream(source).map(v -> v * scale).toArray());
        });
        assertThat(ReferenceMerges.maxAbsDiff(expectedStack, stacked)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void methodsListWhereEachParameterMayBeSet() {
        MethodRegistry registry = new MethodRegistry();
        Map<String, List<String>> perModel = Map.of(
                "slerp",
                List.of("weight"),
                "multislerp",
                List.of("weight"),
                "nuslerp",
                List.of("weight"),
                "karcher",
                List.of("weight"),
                "passthrough",
                List.of("scale"));
        perModel.forEach((method, names) -> assertThat(registry.require(method).descriptor().params().stream()
                        .filter(p -> p.settableIn(ParamScope.MODEL))
                        .map(ParamSpec::name)
                        .toList())
                .as(method)
                .containsExactlyElementsOf(names));
        Map<String, String> perTensor = Map.of(
                "slerp_pair",
                "t",
                "nearswap",
                "t",
                "sce",
                "selectTopk",
                "karcher",
                "tol",
                "slerp",
                "lambda",
                "ties",
                "lambda");
        perTensor.forEach((method, name) -> assertThat(registry.require(method).descriptor().params().stream()
                        .filter(p -> p.name().equals(name))
                        .findFirst()
                        .orElseThrow()
                        .scopes())
                .as(method + "." + name)
                .containsExactly(ParamScope.METHOD, ParamScope.TENSOR));
        assertThatThrownBy(
                        () -> registry.validateModelParams(registry.require("sce"), List.of(Map.of("selectTopk", 0.5))))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                        .isEqualTo("models[0].params.selectTopk"));
    }
}
