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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * slerp_pair (mergekit's slerp) against a float64 transcription of mergekit's {@code slerp()}: the base and the model
 * themselves (not task vectors) normalised when their norm exceeds 1e-8, lerp where |dot| > 0.9995, per tensor, t
 * evaluated per tensor as mergekit's gradients and filters. Tolerance: 1e-6 absolute on float32 output.
 */
class SlerpPairTest {

    private static final double TOLERANCE = 1e-6;

    /** mergekit's slerp(t, v0, v1), in float64. */
    static double[] mergekitSlerp(double t, double[] v0, double[] v1) {
        double n0 = ReferenceMerges.norm(v0);
        double n1 = ReferenceMerges.norm(v1);
        double[] u0 = v0.clone();
        double[] u1 = v1.clone();
        for (int j = 0; j < u0.length; j++) {
            u0[j] = n0 > 1e-8 ? u0[j] / n0 : u0[j];
            u1[j] = n1 > 1e-8 ? u1[j] / n1 : u1[j];
        }
        double dot = ReferenceMerges.dot(u0, u1);
        double[] out = new double[v0.length];
        if (Math.abs(dot) > 0.9995) {
            for (int j = 0; j < out.length; j++) {
                out[j] = (1 - t) * v0[j] + t * v1[j];
            }
            return out;
        }
        double theta0 = Math.acos(dot);
        double sinTheta0 = Math.sin(theta0);
        double thetaT = theta0 * t;
        double s0 = Math.sin(theta0 - thetaT) / sinTheta0;
        double s1 = Math.sin(thetaT) / sinTheta0;
        for (int j = 0; j < out.length; j++) {
            out[j] = s0 * v0[j] + s1 * v1[j];
        }
        return out;
    }

    private static Map<String, double[]> values(Path folder) {
        return ReferenceMerges.floating(TestSafetensors.read(folder.resolve("model.safetensors")));
    }

    private static Map<String, Tensor> merge(Map<String, Object> params, Path base, Path model) {
        return MergeHarness.read(MergeHarness.merge(
                "slerp_pair",
                params,
                List.of(1.0),
                0,
                base,
                List.of(model),
                DType.F32,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES));
    }

    private static Map<String, double[]> reference(
            Path base, Path model, java.util.function.ToDoubleFunction<String> t) {
        Map<String, double[]> b = values(base);
        Map<String, double[]> m = values(model);
        Map<String, double[]> out = new LinkedHashMap<>();
        b.forEach((name, x) -> out.put(name, mergekitSlerp(t.applyAsDouble(name), x, m.get(name))));
        return out;
    }

    @Test
    void matchesMergekitsSlerpWithTAcrossTheLayersAndByFilter() {
        Path base = TestCheckpoints.create(layeredLayout(), 301);
        Path model = TestCheckpoints.create(layeredLayout(), 302);
        // the example of mergekit's README: a gradient for one kind of tensor, a value for the rest
        Map<String, Object> params = Map.of(
                "t",
                List.of(
                        Map.of("filter", "attention", "value", List.of(0.0, 0.5, 1.0)),
                        Map.of("filter", "output", "value", List.of(1.0, 0.5, 0.0)),
                        Map.of("value", 0.3)));
        Map<String, Tensor> merged = merge(params, base, model);
        Map<String, double[]> expected = reference(
                base,
                model,
                name -> name.contains("attention")
                        ? layerPosition(name)
                        : name.contains("output") ? 1 - layerPosition(name) : 0.3);
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @ParameterizedTest(name = "t={0}")
    @CsvSource({"0.0", "0.25", "1.0"})
    void endsAreTheInputsAndMatchTheReference(double t) {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 311);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 312);
        Map<String, Tensor> merged = merge(Map.of("t", t), base, model);
        assertThat(ReferenceMerges.maxAbsDiff(reference(base, model, name -> t), merged))
                .isLessThanOrEqualTo(TOLERANCE);
        if (t == 0.0) {
            assertThat(ReferenceMerges.maxAbsDiff(values(base), merged)).isLessThanOrEqualTo(TOLERANCE);
        } else if (t == 1.0) {
            assertThat(ReferenceMerges.maxAbsDiff(values(model), merged)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void identicalTensorsTakeTheLerpAndAZeroTensorIsNotNormalised() {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 321);
        Map<String, Tensor> same = merge(Map.of("t", 0.4), base, base);
        assertThat(ReferenceMerges.maxAbsDiff(values(base), same)).isLessThanOrEqualTo(TOLERANCE);

        Map<String, Tensor> zeros = new LinkedHashMap<>();
        TestSafetensors.read(base.resolve("model.safetensors"))
                .forEach((name, t) -> zeros.put(
                        name,
                        t.values() == null ? t : Tensor.floating(t.dtype(), t.shape(), new double[t.values().length])));
        Path zero = TestCheckpoints.of(zeros);
        Map<String, Tensor> merged = merge(Map.of("t", 0.4), base, zero);
        // dot 0: Ω = π/2, so the base is scaled by sin(0.6·π/2) and the zero model adds nothing
        assertThat(ReferenceMerges.maxAbsDiff(reference(base, zero, name -> 0.4), merged))
                .isLessThanOrEqualTo(TOLERANCE);
        Map<String, double[]> scaled = new LinkedHashMap<>();
        values(base)
                .forEach((name, x) -> scaled.put(
                        name,
                        java.util.Arrays.stream(x)
                                .map(v -> v * Math.sin(0.6 * Math.PI / 2))
                                .toArray()));
        assertThat(ReferenceMerges.maxAbsDiff(scaled, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void needsTOneModelAndAFallbackForFilters() {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod pair = registry.require("slerp_pair");
        record Case(Map<String, Object> params, List<Double> weights, String field) {}
        for (Case c : List.of(
                new Case(Map.of(), List.of(1.0), "method.params.t"),
                new Case(Map.of("t", 0.5), List.of(1.0, 1.0), "models"),
                new Case(Map.of("t", 0.5), List.of(2.0), "models[0].weight"),
                new Case(
                        Map.of("t", List.of(Map.of("filter", "attention", "value", 0.5))),
                        List.of(1.0),
                        "method.params.t"))) {
            MethodParams params = registry.validate(pair, c.params());
            assertThatThrownBy(() -> registry.validateWeights(pair, params, c.weights()))
                    .isInstanceOf(InvalidMergeRequestException.class)
                    .satisfies(e -> assertThat(((InvalidMergeRequestException) e).field())
                            .as(c.toString())
                            .isEqualTo(c.field()));
        }
        assertThatThrownBy(() -> registry.validate(pair, Map.of("t", 1.5)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("method.params.t"));
    }
}
