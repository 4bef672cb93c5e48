package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * slerp and ties against the float64 references of {@link ReferenceMerges} on small random checkpoints with mixed
 * dtypes (f32, bf16, f16 and an int64 buffer), including the edge cases of merge-methods.md. Tolerance: 1e-6
 * absolute on float32 output (inputs are N(0,1)).
 */
class MergeMethodsTest {

    private static final double TOLERANCE = 1e-6;

    private static Path checkpoint(long seed) {
        return TestCheckpoints.create(TestCheckpoints.mixedLayout(), seed);
    }

    private static Map<String, double[]> values(Path folder) {
        return ReferenceMerges.floating(TestSafetensors.read(folder.resolve("model.safetensors")));
    }

    private static List<Map<String, double[]>> values(List<Path> folders) {
        return folders.stream().map(MergeMethodsTest::values).toList();
    }

    @ParameterizedTest(name = "granularity={0}")
    @CsvSource({"model", "tensor"})
    void slerpOfThreeModelsMatchesIteratedSlerpOnWholeVectors(String granularity) {
        Path base = checkpoint(1);
        List<Path> models = List.of(checkpoint(2), checkpoint(3), checkpoint(4));
        double[] a = {1.0, 2.0, 0.5};
        Map<String, Tensor> merged = MergeHarness.mergeAndRead(
                "slerp", Map.of("lambda", 0.9, "granularity", granularity), List.of(1.0, 2.0, 0.5), base, models);
        Map<String, double[]> expected =
                ReferenceMerges.slerp(values(base), values(models), a, 0.9, granularity.equals("model"));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
        assertThat(merged.get("embeddings.position_ids").longs())
                .isEqualTo(TestSafetensors.read(base.resolve("model.safetensors"))
                        .get("embeddings.position_ids")
                        .longs());
    }

    @Test
    void slerpFallsBackToLerpForColinearAndZeroTaskVectors() {
        Path base = checkpoint(5);
        Path model = checkpoint(6);
        Map<String, Tensor> b = TestSafetensors.read(base.resolve("model.safetensors"));
        Map<String, Tensor> m = TestSafetensors.read(model.resolve("model.safetensors"));
        Map<String, Tensor> doubled = new LinkedHashMap<>();
        b.forEach((name, t) -> {
            if (t.values() == null) {
                doubled.put(name, t);
                return;
            }
            double[] v = new double[t.values().length];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (t.values()[j] + 2 * (m.get(name).values()[j] - t.values()[j]));
            }
            doubled.put(name, Tensor.floating("F32", t.shape(), v));
        });
        Path colinear = TestCheckpoints.of(doubled);
        Path zero = TestCheckpoints.of(b);
        for (List<Path> models : List.of(List.of(model, colinear), List.of(model, zero), List.of(zero, model))) {
            Map<String, Tensor> merged = MergeHarness.mergeAndRead("slerp", Map.of(), List.of(1.0, 3.0), base, models);
            Map<String, double[]> expected =
                    ReferenceMerges.slerp(values(base), values(models), new double[] {1, 3}, 1.0, true);
            assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
        }
        // colinear: the fallback is the plain lerp with t = 3/4, i.e. V_m = 0.25 V + 0.75 (2 V) = 1.75 V
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("slerp", Map.of(), List.of(1.0, 3.0), base, List.of(model, colinear));
        double got = merged.get("pooler.dense.bias").values()[0];
        double expected = b.get("pooler.dense.bias").values()[0]
                + 1.75
                        * (m.get("pooler.dense.bias").values()[0]
                                - b.get("pooler.dense.bias").values()[0]);
        assertThat(got).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void slerpOfASingleModelIsItsScaledTaskVector() {
        Path base = checkpoint(7);
        Path model = checkpoint(8);
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("slerp", Map.of("lambda", 0.5), List.of(2.0), base, List.of(model));
        Map<String, double[]> expected =
                ReferenceMerges.slerp(values(base), values(List.of(model)), new double[] {2}, 0.5, true);
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void slerpRefusesNonPositiveWeightsNamingTheModel() {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod slerp = registry.require("slerp");
        assertThatThrownBy(() -> slerp.validate(registry.validate(slerp, Map.of()), List.of(1.0, -1.0)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("models[1].weight"));
    }

    @ParameterizedTest(name = "granularity={0} signMethod={1} normalize={2} rescale={3}")
    @CsvSource({
        "model, sum, true, none",
        "model, count, false, norm",
        "tensor, sum, true, norm",
        "tensor, count, true, none",
        "model, sum, false, none"
    })
    void tiesMatchesTheReference(String granularity, String signMethod, boolean normalize, String rescale) {
        Path base = checkpoint(11);
        List<Path> models = List.of(checkpoint(12), checkpoint(13), checkpoint(14));
        List<Double> weights = List.of(1.0, -0.5, 2.0);
        Map<String, Tensor> merged = MergeHarness.mergeAndRead(
                "ties",
                Map.of(
                        "density",
                        0.3,
                        "lambda",
                        1.2,
                        "signMethod",
                        signMethod,
                        "normalize",
                        normalize,
                        "granularity",
                        granularity,
                        "rescale",
                        rescale),
                weights,
                base,
                models);
        Map<String, double[]> expected = ReferenceMerges.ties(
                values(base),
                values(models),
                new double[] {1.0, -0.5, 2.0},
                new ReferenceMerges.TiesOptions(
                        0.3,
                        1.2,
                        signMethod.equals("count"),
                        normalize,
                        granularity.equals("model"),
                        rescale.equals("norm")));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    /** Quantised values make many |v| equal to the trim threshold; all of them must be kept. */
    @Test
    void tiesKeepsEveryEntryTiedAtTheThreshold() {
        Random random = new Random(3);
        Map<String, Tensor> base = new LinkedHashMap<>();
        Map<String, Tensor> m1 = new LinkedHashMap<>();
        Map<String, Tensor> m2 = new LinkedHashMap<>();
        for (String name : List.of("a.weight", "b.weight")) {
            double[] b = new double[300];
            double[] x = new double[300];
            double[] y = new double[300];
            for (int j = 0; j < b.length; j++) {
                b[j] = random.nextInt(16) / 8.0;
                x[j] = b[j] + (random.nextInt(7) - 3) / 4.0;
                y[j] = b[j] + (random.nextInt(7) - 3) / 4.0;
            }
            base.put(name, Tensor.floating("F32", new long[] {300}, b));
            m1.put(name, Tensor.floating("F32", new long[] {300}, x));
            m2.put(name, Tensor.floating("F32", new long[] {300}, y));
        }
        Path b = TestCheckpoints.of(base);
        List<Path> models = List.of(TestCheckpoints.of(m1), TestCheckpoints.of(m2));
        for (double density : new double[] {0.1, 0.35, 1.0}) {
            Map<String, Tensor> merged =
                    MergeHarness.mergeAndRead("ties", Map.of("density", density), List.of(1.0, 1.0), b, models);
            Map<String, double[]> expected = ReferenceMerges.ties(
                    values(b),
                    values(models),
                    new double[] {1, 1},
                    new ReferenceMerges.TiesOptions(density, 1.0, false, true, true, false));
            assertThat(ReferenceMerges.maxAbsDiff(expected, merged))
                    .as("density %s", density)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void tiesWithDensityOneAndOneModelReturnsTheModel() {
        Path base = checkpoint(21);
        Path model = checkpoint(22);
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("ties", Map.of("density", 1.0), List.of(1.0), base, List.of(model));
        Map<String, double[]> m = values(model);
        double max = 0;
        for (var e : m.entrySet()) {
            for (int j = 0; j < e.getValue().length; j++) {
                max = Math.max(max, Math.abs(merged.get(e.getKey()).values()[j] - e.getValue()[j]));
            }
        }
        assertThat(max).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void tiesWithAZeroTaskVectorIgnoresThatModel() {
        Path base = checkpoint(23);
        Path model = checkpoint(24);
        List<Path> models = List.of(model, TestCheckpoints.of(TestSafetensors.read(base.resolve("model.safetensors"))));
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("ties", Map.of("density", 0.5), List.of(1.0, 1.0), base, models);
        Map<String, double[]> expected = ReferenceMerges.ties(
                values(base),
                values(models),
                new double[] {1, 1},
                new ReferenceMerges.TiesOptions(0.5, 1.0, false, true, true, false));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }
}
