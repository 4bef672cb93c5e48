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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * breadcrumbs, breadcrumbs_ties, della, della_linear, model_stock, nearswap and passthrough against the float64
 * references of {@link FamilyReferences} on small random checkpoints with mixed dtypes, with the edge cases of each
 * definition. Tolerance: 1e-6 absolute on float32 output.
 */
class NewMethodsTest {

    private static final double TOLERANCE = 1e-6;

    private static Path checkpoint(long seed) {
        return TestCheckpoints.create(TestCheckpoints.mixedLayout(), seed);
    }

    private static Map<String, double[]> values(Path folder) {
        return ReferenceMerges.floating(TestSafetensors.read(folder.resolve("model.safetensors")));
    }

    private static List<Map<String, double[]>> values(List<Path> folders) {
        return folders.stream().map(NewMethodsTest::values).toList();
    }

    private static Map<String, Long> rowLengths(Path folder) {
        Map<String, Long> rows = new LinkedHashMap<>();
        TestSafetensors.read(folder.resolve("model.safetensors"))
                .forEach((name, t) -> rows.put(name, t.shape().length == 0 ? 1 : t.shape()[t.shape().length - 1]));
        return rows;
    }

    private static Map<String, Tensor> merge(
            String method, Map<String, Object> params, List<Double> weights, long seed, Path base, List<Path> models) {
        return MergeHarness.read(MergeHarness.merge(
                method, params, weights, seed, base, models, DType.F32, MergeExecutor.DEFAULT_MAX_SHARD_BYTES));
    }

    private static byte[] bytes(
            String method, Map<String, Object> params, List<Double> weights, Path base, List<Path> models)
            throws IOException {
        return Files.readAllBytes(MergeHarness.merge(
                        method, params, weights, 3, base, models, DType.F32, MergeExecutor.DEFAULT_MAX_SHARD_BYTES)
                .resolve("model.safetensors"));
    }

    @ParameterizedTest(name = "{0} granularity={1} normalize={2}")
    @CsvSource({
        "breadcrumbs, model, false",
        "breadcrumbs, tensor, true",
        "breadcrumbs_ties, model, true",
        "breadcrumbs_ties, tensor, false"
    })
    void breadcrumbsMatchesTheReference(String method, String granularity, boolean normalize) {
        Path base = checkpoint(31);
        List<Path> models = List.of(checkpoint(32), checkpoint(33), checkpoint(34));
        boolean ties = method.endsWith("ties");
        double[] w = ties ? new double[] {1.0, -0.5, 2.0} : new double[] {1.0, 0.5, 2.0};
        Map<String, Tensor> merged = MergeHarness.mergeAndRead(
                method,
                Map.of("density", 0.3, "gamma", 0.1, "lambda", 1.2, "normalize", normalize, "granularity", granularity),
                List.of(w[0], w[1], w[2]),
                base,
                models);
        Map<String, double[]> expected = FamilyReferences.breadcrumbs(
                values(base),
                values(models),
                w,
                0.3,
                0.1,
                granularity.equals("model"),
                new Combine(1.2, ties, false, normalize));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void breadcrumbsTiesWithGammaZeroIsTiesByteForByte() throws IOException {
        Path base = checkpoint(35);
        List<Path> models = List.of(checkpoint(36), checkpoint(37));
        Map<String, Object> params = Map.of("density", 0.4, "normalize", true, "signMethod", "count");
        Map<String, Object> crumbs = new LinkedHashMap<>(params);
        crumbs.put("gamma", 0.0);
        assertThat(bytes("breadcrumbs_ties", crumbs, List.of(1.0, 2.0), base, models))
                .isEqualTo(bytes("ties", params, List.of(1.0, 2.0), base, models));
    }

    @Test
    void breadcrumbsWithDensityOneAndGammaZeroIsTaskArithmetic() {
        Path base = checkpoint(38);
        List<Path> models = List.of(checkpoint(39), checkpoint(40));
        Map<String, Tensor> crumbs = MergeHarness.mergeAndRead(
                "breadcrumbs", Map.of("density", 1.0, "gamma", 0.0, "lambda", 0.7), List.of(1.0, 0.5), base, models);
        Map<String, double[]> expected = FamilyReferences.breadcrumbs(
                values(base),
                values(models),
                new double[] {1, 0.5},
                1.0,
                0.0,
                true,
                new Combine(0.7, false, false, false));
        assertThat(ReferenceMerges.maxAbsDiff(expected, crumbs)).isLessThanOrEqualTo(TOLERANCE);
        Map<String, Tensor> arithmetic =
                MergeHarness.mergeAndRead("task_arithmetic", Map.of("lambda", 0.7), List.of(1.0, 0.5), base, models);
        assertThat(ReferenceMerges.maxAbsDiff(expected, arithmetic)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void breadcrumbsWithAZeroTaskVectorAndIdenticalModels() {
        Path base = checkpoint(41);
        Path model = checkpoint(42);
        Path zero = TestCheckpoints.of(TestSafetensors.read(base.resolve("model.safetensors")));
        for (List<Path> models : List.of(List.of(model, zero), List.of(model, model))) {
            Map<String, Tensor> merged = MergeHarness.mergeAndRead(
                    "breadcrumbs_ties",
                    Map.of("density", 0.5, "gamma", 0.05, "normalize", true),
                    List.of(1.0, 1.0),
                    base,
                    models);
            Map<String, double[]> expected = FamilyReferences.breadcrumbs(
                    values(base),
                    values(models),
                    new double[] {1, 1},
                    0.5,
                    0.05,
                    true,
                    new Combine(1.0, true, false, true));
            assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @ParameterizedTest(name = "{0} normalize={1}")
    @CsvSource({"della, true", "della, false", "della_linear, false", "della_linear, true"})
    void dellaMatchesTheReference(String method, boolean normalize) {
        Path base = checkpoint(51);
        List<Path> models = List.of(checkpoint(52), checkpoint(53), checkpoint(54));
        boolean ties = method.equals("della");
        double[] w = ties ? new double[] {1.0, -0.5, 2.0} : new double[] {1.0, 0.5, 2.0};
        Map<String, Tensor> merged = merge(
                method,
                Map.of("density", 0.6, "epsilon", 0.2, "lambda", 0.9, "normalize", normalize),
                List.of(w[0], w[1], w[2]),
                11,
                base,
                models);
        Map<String, double[]> expected = FamilyReferences.della(
                values(base),
                values(models),
                w,
                rowLengths(base),
                11,
                0.6,
                0.2,
                new Combine(0.9, ties, false, normalize));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void dellaLinearWithEpsilonZeroIsDareLinear() {
        Path base = checkpoint(55);
        List<Path> models = List.of(checkpoint(56), checkpoint(57));
        Map<String, Object> params = Map.of("density", 0.4, "normalize", true);
        Map<String, Object> della = new LinkedHashMap<>(params);
        della.put("epsilon", 0.0);
        Map<String, Tensor> dare = merge("dare_linear", params, List.of(1.0, 2.0), 9, base, models);
        Map<String, Tensor> got = merge("della_linear", della, List.of(1.0, 2.0), 9, base, models);
        Map<String, double[]> expected = new LinkedHashMap<>();
        dare.forEach((name, t) -> {
            if (t.values() != null) {
                expected.put(name, t.values());
            }
        });
        assertThat(ReferenceMerges.maxAbsDiff(expected, got)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void dellaWithDensityOneKeepsEverythingLikeTiesWithDensityOne() {
        Path base = checkpoint(58);
        List<Path> models = List.of(checkpoint(59), checkpoint(60));
        Map<String, Tensor> got =
                merge("della", Map.of("density", 1.0, "epsilon", 0.0), List.of(1.0, 2.0), 4, base, models);
        Map<String, double[]> expected = ReferenceMerges.ties(
                values(base),
                values(models),
                new double[] {1, 2},
                new ReferenceMerges.TiesOptions(1.0, 1.0, false, true, true, false));
        assertThat(ReferenceMerges.maxAbsDiff(expected, got)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void dellaRefusesAnEpsilonThatLeavesTheUnitInterval() {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod della = registry.require("della");
        assertThatThrownBy(() -> della.validate(
                        registry.validate(della, Map.of("density", 0.9, "epsilon", 0.2)), List.of(1.0, 1.0)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("method.params.epsilon"));
    }

    @Test
    void modelStockMatchesTheReference() {
        Path base = checkpoint(61);
        List<Path> models = List.of(checkpoint(62), checkpoint(63), checkpoint(64));
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("model_stock", Map.of(), List.of(1.0, 1.0, 1.0), base, models);
        assertThat(ReferenceMerges.maxAbsDiff(FamilyReferences.modelStock(values(base), values(models)), merged))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void modelStockOfIdenticalModelsIsTheModelAndAZeroTaskVectorKeepsTheBase() {
        Path base = checkpoint(65);
        Path model = checkpoint(66);
        Path zero = TestCheckpoints.of(TestSafetensors.read(base.resolve("model.safetensors")));
        Map<String, Tensor> same =
                MergeHarness.mergeAndRead("model_stock", Map.of(), List.of(1.0, 1.0), base, List.of(model, model));
        assertThat(ReferenceMerges.maxAbsDiff(values(model), same)).isLessThanOrEqualTo(TOLERANCE);
        Map<String, Tensor> withZero =
                MergeHarness.mergeAndRead("model_stock", Map.of(), List.of(1.0, 1.0), base, List.of(model, zero));
        assertThat(ReferenceMerges.maxAbsDiff(values(base), withZero)).isLessThanOrEqualTo(TOLERANCE);
        assertThat(ReferenceMerges.maxAbsDiff(
                        FamilyReferences.modelStock(values(base), values(List.of(model, zero))), withZero))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void modelStockNeedsTwoModelsAndNoWeights() {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod stock = registry.require("model_stock");
        MethodParams params = registry.validate(stock, Map.of());
        assertThatThrownBy(() -> registry.validateWeights(stock, params, List.of(1.0)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("models"));
        assertThatThrownBy(() -> registry.validateWeights(stock, params, List.of(1.0, 2.0)))
                .isInstanceOf(InvalidMergeRequestException.class)
                .satisfies(e ->
                        assertThat(((InvalidMergeRequestException) e).field()).isEqualTo("models[1].weight"));
    }

    @Test
    void nearSwapMatchesItsDefinition() {
        Path base = checkpoint(71);
        Path model = checkpoint(72);
        double t = 0.5;
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("nearswap", Map.of("t", t), List.of(1.0), base, List.of(model));
        Map<String, double[]> b = values(base);
        Map<String, double[]> m = values(model);
        Map<String, double[]> expected = new LinkedHashMap<>();
        b.forEach((name, a) -> {
            double[] r = new double[a.length];
            for (int j = 0; j < r.length; j++) {
                double x = (float) a[j];
                double y = (float) m.get(name)[j];
                double w = Math.max(0, Math.min(1, t / Math.max(Math.abs(y - x), 1e-6)));
                r[j] = w * y + (1 - w) * x;
            }
            expected.put(name, r);
        });
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
        // t = 0 keeps the base; identical inputs give the model
        assertThat(ReferenceMerges.maxAbsDiff(
                        b, MergeHarness.mergeAndRead("nearswap", Map.of("t", 0.0), List.of(1.0), base, List.of(model))))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void passthroughCopiesTheModel() {
        Path base = checkpoint(73);
        Path model = checkpoint(74);
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("passthrough", Map.of(), List.of(1.0), base, List.of(model));
        assertThat(ReferenceMerges.maxAbsDiff(values(model), merged)).isZero();
        Map<String, Tensor> scaled =
                MergeHarness.mergeAndRead("passthrough", Map.of("scale", 0.5), List.of(1.0), base, List.of(model));
        Map<String, double[]> half = new LinkedHashMap<>();
        values(model)
                .forEach((name, v) -> half.put(
                        name, java.util.Arrays.stream(v).map(x -> x * 0.5).toArray()));
        assertThat(ReferenceMerges.maxAbsDiff(half, scaled)).isZero();
    }

    @Test
    void multislerpMatchesTheReference() {
        Path base = checkpoint(91);
        List<Path> models = List.of(checkpoint(92), checkpoint(93), checkpoint(94));
        for (boolean normalize : new boolean[] {true, false}) {
            Map<String, Tensor> merged = MergeHarness.mergeAndRead(
                    "multislerp", Map.of("normalize", normalize), List.of(1.0, 2.0, 0.5), base, models);
            assertThat(ReferenceMerges.maxAbsDiff(
                            FamilyReferences.multislerp(
                                    values(base), values(models), new double[] {1, 2, 0.5}, normalize),
                            merged))
                    .as("normalize %s", normalize)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void multislerpOfIdenticalModelsIsTheModelAndOfAZeroAndItsOppositeTheWeightedSum() {
        Path base = checkpoint(95);
        Path model = checkpoint(96);
        Map<String, Tensor> same =
                MergeHarness.mergeAndRead("multislerp", Map.of(), List.of(1.0, 3.0), base, List.of(model, model));
        assertThat(ReferenceMerges.maxAbsDiff(values(model), same)).isLessThanOrEqualTo(TOLERANCE);
        Path zero = TestCheckpoints.of(TestSafetensors.read(base.resolve("model.safetensors")));
        Map<String, Tensor> withZero =
                MergeHarness.mergeAndRead("multislerp", Map.of(), List.of(1.0, 1.0), base, List.of(model, zero));
        assertThat(ReferenceMerges.maxAbsDiff(
                        FamilyReferences.multislerp(
                                values(base), values(List.of(model, zero)), new double[] {1, 1}, true),
                        withZero))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void karcherMatchesTheReference() {
        Path base = checkpoint(97);
        List<Path> models = List.of(checkpoint(98), checkpoint(99), checkpoint(100));
        Map<String, Tensor> merged =
                MergeHarness.mergeAndRead("karcher", Map.of("maxIter", 20), List.of(1.0, 2.0, 1.0), base, models);
        assertThat(ReferenceMerges.maxAbsDiff(
                        FamilyReferences.karcher(values(models), new double[] {0.25, 0.5, 0.25}, 20, 1e-5), merged))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void karcherOfIdenticalModelsIsTheModelAndAZeroModelOnlyScales() {
        Path base = checkpoint(101);
        Path model = checkpoint(102);
        Map<String, Tensor> same =
                MergeHarness.mergeAndRead("karcher", Map.of(), List.of(1.0, 1.0), base, List.of(model, model));
        assertThat(ReferenceMerges.maxAbsDiff(values(model), same)).isLessThanOrEqualTo(TOLERANCE);
        Map<String, Tensor> zeroTensors = new LinkedHashMap<>();
        TestSafetensors.read(model.resolve("model.safetensors"))
                .forEach((name, t) -> zeroTensors.put(
                        name,
                        t.values() == null ? t : Tensor.floating(t.dtype(), t.shape(), new double[t.values().length])));
        Path zero = TestCheckpoints.of(zeroTensors);
        Map<String, Tensor> withZero =
                MergeHarness.mergeAndRead("karcher", Map.of(), List.of(1.0, 1.0), base, List.of(model, zero));
        // the zero tensor takes no part in the mean but halves the scale Σ α_i ‖θ_i‖
        Map<String, double[]> half = new LinkedHashMap<>();
        values(model)
                .forEach((name, v) -> half.put(
                        name, java.util.Arrays.stream(v).map(x -> x / 2).toArray()));
        assertThat(ReferenceMerges.maxAbsDiff(half, withZero)).isLessThanOrEqualTo(TOLERANCE);
    }

    /** NuSLERP from its definition: slerp of the two task vectors per tensor, lerp where sin θ ≈ 0. */
    static Map<String, double[]> nuslerp(Map<String, double[]> base, List<Map<String, double[]>> models, double t) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : base.keySet()) {
            double[] b = base.get(name);
            double[] v0 = ReferenceMerges.taskVector(b, models.get(0).get(name));
            double[] v1 = ReferenceMerges.taskVector(b, models.get(1).get(name));
            double cos = ReferenceMerges.dot(v0, v1)
                    / (Math.max(ReferenceMerges.norm(v0), 1e-7) * Math.max(ReferenceMerges.norm(v1), 1e-7));
            double theta = Math.acos(Math.max(-1, Math.min(1, cos)));
            double[] r = new double[b.length];
            for (int j = 0; j < r.length; j++) {
                double mixed = Math.abs(Math.sin(theta)) < 1e-8
                        ? (1 - t) * v0[j] + t * v1[j]
                        : (Math.sin((1 - t) * theta) * v0[j] + Math.sin(t * theta) * v1[j]) / Math.sin(theta);
                r[j] = b[j] + mixed;
            }
            out.put(name, r);
        }
        return out;
    }

    @Test
    void nuslerpMatchesItsDefinitionIncludingAZeroTaskVector() {
        Path base = checkpoint(111);
        List<Path> models = List.of(checkpoint(112), checkpoint(113));
        Map<String, Tensor> merged = MergeHarness.mergeAndRead("nuslerp", Map.of(), List.of(1.0, 3.0), base, models);
        assertThat(ReferenceMerges.maxAbsDiff(nuslerp(values(base), values(models), 0.75), merged))
                .isLessThanOrEqualTo(TOLERANCE);
        Path zero = TestCheckpoints.of(TestSafetensors.read(base.resolve("model.safetensors")));
        List<Path> withZero = List.of(models.get(0), zero);
        Map<String, Tensor> zeroMerged =
                MergeHarness.mergeAndRead("nuslerp", Map.of(), List.of(1.0, -1.0), base, withZero);
        assertThat(ReferenceMerges.maxAbsDiff(nuslerp(values(base), values(withZero), 0.5), zeroMerged))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    /** SCE from its definition, per tensor, in float64 (variance selection by sorting). */
    static Map<String, double[]> sce(Map<String, double[]> base, List<Map<String, double[]>> models, double topk) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = models.size();
        for (String name : base.keySet()) {
            double[] b = base.get(name);
            double[][] v = new double[n][];
            for (int i = 0; i < n; i++) {
                v[i] = ReferenceMerges.taskVector(b, models.get(i).get(name));
            }
            double[] var = new double[b.length];
            for (int j = 0; j < b.length; j++) {
                double mean = 0;
                for (double[] x : v) {
                    mean += x[j] / n;
                }
                for (double[] x : v) {
                    var[j] += (x[j] - mean) * (x[j] - mean) / n;
                }
            }
            boolean[] kept = new boolean[b.length];
            java.util.Arrays.fill(kept, true);
            if (topk < 1) {
                double[] nonzero = java.util.Arrays.stream(var)
                        .filter(x -> x != 0)
                        .map(x -> -x)
                        .sorted()
                        .map(x -> -x)
                        .toArray();
                int k = (int) Math.floor(nonzero.length * topk);
                for (int j = 0; j < b.length; j++) {
                    kept[j] = k > 0 && var[j] >= nonzero[k - 1];
                }
            }
            double[] w = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < b.length; j++) {
                    w[i] += kept[j] ? v[i][j] * v[i][j] / b.length : 0;
                }
                sum += w[i];
            }
            for (int i = 0; i < n; i++) {
                w[i] = Math.abs(sum) < 1e-6 ? 1.0 / n : w[i] / sum;
            }
            double[] r = new double[b.length];
            for (int j = 0; j < b.length; j++) {
                double vote = 0;
                for (int i = 0; i < n; i++) {
                    vote += kept[j] ? v[i][j] : 0;
                }
                double sign = vote >= 0 ? 1 : -1;
                double num = 0;
                double den = 0;
                for (int i = 0; i < n; i++) {
                    double x = kept[j] ? v[i][j] : 0;
                    if (x != 0 && Math.signum(x) == sign) {
                        num += w[i] * x;
                        den += w[i];
                    }
                }
                r[j] = b[j] + num / Math.max(den, 1e-6);
            }
            out.put(name, r);
        }
        return out;
    }

    @Test
    void sceMatchesItsDefinition() {
        Path base = checkpoint(121);
        List<Path> models = List.of(checkpoint(122), checkpoint(123), checkpoint(124));
        for (double topk : new double[] {1.0, 0.3}) {
            Map<String, Tensor> merged =
                    MergeHarness.mergeAndRead("sce", Map.of("selectTopk", topk), List.of(1.0, 1.0, 1.0), base, models);
            assertThat(ReferenceMerges.maxAbsDiff(sce(values(base), values(models), topk), merged))
                    .as("topk %s", topk)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void sceOfIdenticalModelsIsTheModelAndZeroTaskVectorsKeepTheBase() {
        Path base = checkpoint(125);
        Path model = checkpoint(126);
        Map<String, Tensor> same = MergeHarness.mergeAndRead(
                "sce", Map.of("selectTopk", 0.5), List.of(1.0, 1.0), base, List.of(model, model));
        // identical task vectors have zero variance everywhere: nothing is selected, the base stays
        assertThat(ReferenceMerges.maxAbsDiff(values(base), same)).isLessThanOrEqualTo(TOLERANCE);
        Map<String, Tensor> all =
                MergeHarness.mergeAndRead("sce", Map.of(), List.of(1.0, 1.0), base, List.of(model, model));
        assertThat(ReferenceMerges.maxAbsDiff(values(model), all)).isLessThanOrEqualTo(TOLERANCE);
    }
}
