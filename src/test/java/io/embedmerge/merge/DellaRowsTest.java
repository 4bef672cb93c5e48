package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.merge.FamilyReferences.Combine;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DELLA's write pass over tensors that span several chunks: whole rows per chunk, chunks split between cores in the
 * middle of a row (the cut row is ranked whole by both sides), several rows per block, and a row longer than the fused
 * kernel's limit (ranked, then drawn block by block). Every element within one float32 rounding of the float64
 * reference, which ranks each row as a whole.
 */
class DellaRowsTest {

    @ParameterizedTest(name = "{0} normalize={1}")
    @CsvSource({"della, true", "della_linear, false"})
    void rowsAcrossChunksCoresAndBlocksMatchTheReference(String method, boolean normalize) {
        Map<String, String> layout = new LinkedHashMap<>();
        // 1,134,100 elements: chunks of 1017 whole rows (1,048,527 elements), split between cores inside a row
        layout.put("encoder.layer.0.intermediate.dense.weight:F32", "1100x1031");
        // rows of 3072 in bf16, two chunks
        layout.put("encoder.layer.0.output.dense.weight:BF16", "360x3072");
        // one row of 70,000: longer than the fused kernel's 65,536
        layout.put("embeddings.long.weight:F32", "70000");
        layout.put("embeddings.small.weight:F16", "5x3");
        Path base = TestCheckpoints.create(layout, 71);
        List<Path> models = List.of(TestCheckpoints.create(layout, 72), TestCheckpoints.create(layout, 73));
        boolean ties = method.equals("della");
        double[] w = ties ? new double[] {1.0, -0.5} : new double[] {1.0, 2.0};
        Map<String, Tensor> merged = MergeHarness.read(MergeHarness.merge(
                method,
                Map.of("density", 0.5, "epsilon", 0.2, "lambda", 0.9, "normalize", normalize),
                List.of(w[0], w[1]),
                13,
                base,
                models,
                DType.F32,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES));
        Map<String, double[]> b = ReferenceMerges.floating(TestSafetensors.read(base.resolve("model.safetensors")));
        List<Map<String, double[]>> m = models.stream()
                .map(p -> ReferenceMerges.floating(TestSafetensors.read(p.resolve("model.safetensors"))))
                .toList();
        Map<String, Long> rows = new LinkedHashMap<>();
        TestSafetensors.read(base.resolve("model.safetensors"))
                .forEach((name, t) -> rows.put(name, t.shape().length == 0 ? 1 : t.shape()[t.shape().length - 1]));
        Map<String, double[]> expected =
                FamilyReferences.della(b, m, w, rows, 13, 0.5, 0.2, new Combine(0.9, ties, false, normalize));
        for (var e : expected.entrySet()) {
            double[] got = merged.get(e.getKey()).values();
            assertThat(got).hasSameSizeAs(e.getValue());
            double worst = 0;
            int worstAt = -1;
            for (int j = 0; j < got.length; j++) {
                double inUlps = Math.abs(got[j] - e.getValue()[j]) / Math.ulp((float) e.getValue()[j]);
                if (inUlps > worst) {
                    worst = inUlps;
                    worstAt = j;
                }
            }
            assertThat(worst).as(e.getKey() + ", worst element " + worstAt).isLessThanOrEqualTo(1.0);
        }
    }
}
