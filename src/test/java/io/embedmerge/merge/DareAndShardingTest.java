package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DareAndShardingTest {

    private static final double TOLERANCE = 1e-6;

    private static Map<String, Tensor> bigLayout(long seed) {
        return TestSafetensors.read(TestCheckpoints.create(Map.of("w:F32", "200x100", "b:BF16", "5000"), seed)
                .resolve("model.safetensors"));
    }

    @Test
    void dareLinearDropsEachEntryWithProbability1MinusDensityAndRescalesSurvivors() {
        Path base = TestCheckpoints.of(bigLayout(1));
        Path m1 = TestCheckpoints.of(bigLayout(2));
        Path m2 = TestCheckpoints.of(bigLayout(3));
        double density = 0.3;
        Map<String, Tensor> merged = MergeHarness.read(MergeHarness.merge(
                "dare_linear",
                Map.of("density", density, "normalize", false, "lambda", 1.0),
                List.of(1.0, 0.5),
                7,
                base,
                List.of(m1, m2),
                DType.F32,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES));
        Map<String, double[]> b = ReferenceMerges.floating(TestSafetensors.read(base.resolve("model.safetensors")));
        Map<String, double[]> x = ReferenceMerges.floating(TestSafetensors.read(m1.resolve("model.safetensors")));
        Map<String, double[]> y = ReferenceMerges.floating(TestSafetensors.read(m2.resolve("model.safetensors")));
        long kept1 = 0;
        long kept2 = 0;
        long total = 0;
        for (String name : b.keySet()) {
            double[] v1 = ReferenceMerges.taskVector(b.get(name), x.get(name));
            double[] v2 = ReferenceMerges.taskVector(b.get(name), y.get(name));
            double[] got = merged.get(name).values();
            for (int j = 0; j < got.length; j++) {
                // each entry must be θ0 + Σ_i w_i·keep_i·v_i/density for one of the four keep patterns
                boolean matched = false;
                for (int pattern = 0; pattern < 4 && !matched; pattern++) {
                    boolean k1 = (pattern & 1) != 0;
                    boolean k2 = (pattern & 2) != 0;
                    double expected = b.get(name)[j] + (k1 ? v1[j] / density : 0) + (k2 ? 0.5 * v2[j] / density : 0);
                    if (Math.abs(expected - got[j]) <= TOLERANCE) {
                        matched = true;
                        kept1 += k1 ? 1 : 0;
                        kept2 += k2 ? 1 : 0;
                    }
                }
                assertThat(matched).as("%s[%d] = %s", name, j, got[j]).isTrue();
                total++;
            }
        }
        double sigma = Math.sqrt(total * density * (1 - density));
        assertThat((double) kept1).isCloseTo(total * density, org.assertj.core.data.Offset.offset(5 * sigma));
        assertThat((double) kept2).isCloseTo(total * density, org.assertj.core.data.Offset.offset(5 * sigma));
    }

    @Test
    void dareIsByteIdenticalForTheSameSeedAndDiffersForAnother() throws IOException {
        Path base = TestCheckpoints.of(bigLayout(4));
        List<Path> models = List.of(TestCheckpoints.of(bigLayout(5)), TestCheckpoints.of(bigLayout(6)));
        for (String method : List.of("dare_linear", "dare_ties")) {
            Path first = MergeHarness.merge(
                    method, Map.of("density", 0.4), List.of(1.0, 1.0), 42, base, models, null, Long.MAX_VALUE);
            Path again = MergeHarness.merge(
                    method, Map.of("density", 0.4), List.of(1.0, 1.0), 42, base, models, null, Long.MAX_VALUE);
            Path other = MergeHarness.merge(
                    method, Map.of("density", 0.4), List.of(1.0, 1.0), 43, base, models, null, Long.MAX_VALUE);
            byte[] bytes = Files.readAllBytes(first.resolve("model.safetensors"));
            assertThat(Files.readAllBytes(again.resolve("model.safetensors")))
                    .as(method)
                    .isEqualTo(bytes);
            assertThat(Files.readAllBytes(other.resolve("model.safetensors")))
                    .as(method)
                    .isNotEqualTo(bytes);
        }
    }

    @Test
    void dareTiesWithDensityOneIsTiesWithoutTrim() {
        Path base = TestCheckpoints.of(bigLayout(7));
        List<Path> models = List.of(TestCheckpoints.of(bigLayout(8)), TestCheckpoints.of(bigLayout(9)));
        Map<String, Tensor> merged = MergeHarness.mergeAndRead(
                "dare_ties", Map.of("density", 1.0, "signMethod", "count"), List.of(1.0, 2.0), base, models);
        Map<String, double[]> expected = ReferenceMerges.ties(
                ReferenceMerges.floating(TestSafetensors.read(base.resolve("model.safetensors"))),
                models.stream()
                        .map(p -> ReferenceMerges.floating(TestSafetensors.read(p.resolve("model.safetensors"))))
                        .toList(),
                new double[] {1, 2},
                new ReferenceMerges.TiesOptions(1.0, 1.0, true, true, true, false));
        assertThat(ReferenceMerges.maxAbsDiff(expected, merged)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void outputIsShardedWithAnIndexAndShardedInputsMergeLikeSingleFiles() throws IOException {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 31);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 32);
        Path single =
                MergeHarness.merge("linear", Map.of(), List.of(1.0), 0, base, List.of(model), null, Long.MAX_VALUE);
        Path sharded = MergeHarness.merge("linear", Map.of(), List.of(1.0), 0, base, List.of(model), null, 2000);

        JsonNode index = JsonMapper.builder()
                .build()
                .readTree(sharded.resolve("model.safetensors.index.json").toFile());
        List<String> shardFiles;
        try (Stream<Path> files = Files.list(sharded)) {
            shardFiles = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".safetensors"))
                    .sorted()
                    .toList();
        }
        assertThat(shardFiles).hasSizeGreaterThan(2).allMatch(n -> n.matches("model-\\d{5}-of-\\d{5}\\.safetensors"));
        assertThat(shardFiles.getLast()).endsWith("-of-%05d.safetensors".formatted(shardFiles.size()));
        Map<String, Tensor> fromShards = MergeHarness.read(sharded);
        Map<String, Tensor> fromSingle = MergeHarness.read(single);
        assertThat(fromShards.keySet()).containsExactlyInAnyOrderElementsOf(fromSingle.keySet());
        long total = 0;
        for (var e : fromSingle.entrySet()) {
            Tensor t = fromShards.get(e.getKey());
            assertThat(t.dtype()).isEqualTo(e.getValue().dtype());
            if (t.values() != null) {
                assertThat(t.values()).isEqualTo(e.getValue().values());
                total += (long) t.values().length * (t.dtype().equals("F32") ? 4 : 2);
            } else {
                assertThat(t.longs()).isEqualTo(e.getValue().longs());
                total += 8L * t.longs().length;
            }
            String file = index.path("weight_map").path(e.getKey()).asString();
            assertThat(TestSafetensors.read(sharded.resolve(file))).containsKey(e.getKey());
        }
        assertThat(index.path("metadata").path("total_size").asLong()).isEqualTo(total);
        for (String shard : shardFiles) {
            Map<String, Tensor> content = TestSafetensors.read(sharded.resolve(shard));
            long bytes = content.values().stream()
                    .mapToLong(t -> (long) t.size() * width(t.dtype()))
                    .sum();
            assertThat(bytes <= 2000 || content.size() == 1).as(shard).isTrue();
        }

        Path again = MergeHarness.merge(
                "linear", Map.of(), List.of(1.0), 0, sharded, List.of(sharded), null, Long.MAX_VALUE);
        for (var e : MergeHarness.read(again).entrySet()) {
            Tensor expected = fromSingle.get(e.getKey());
            if (expected.values() != null) {
                assertThat(e.getValue().values()).isEqualTo(expected.values());
            }
        }
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "F16", "BF16" -> 2;
            case "F32" -> 4;
            default -> 8;
        };
    }
}
