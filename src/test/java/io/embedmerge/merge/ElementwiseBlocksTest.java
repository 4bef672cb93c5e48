package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestSafetensors.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Elementwise merges decode, check and merge block by block: tensors spanning several chunks, parallel ranges and
 * blocks, with a ragged end, must merge exactly as the float64 reference says, element for element.
 */
class ElementwiseBlocksTest {

    @Test
    void linearOverSeveralChunksMatchesTheFloat64Reference() {
        // 2,500,003 elements: two full 1M chunks and a ragged third; bf16 and f32 inputs
        Map<String, String> layout = Map.of("big.weight:F32", "2500003", "wide.weight:BF16", "1001x1031");
        Path base = TestCheckpoints.create(layout, 11);
        List<Path> models = List.of(
                TestCheckpoints.create(layout, 12),
                TestCheckpoints.create(layout, 13),
                TestCheckpoints.create(layout, 14));
        List<Double> weights = List.of(1.0, 2.0, 0.5);
        Map<String, Tensor> merged = MergeHarness.mergeAndRead("linear", Map.of(), weights, base, models);
        Map<String, Tensor> b = MergeHarness.read(base);
        List<Map<String, Tensor>> m = models.stream().map(MergeHarness::read).toList();
        double total = weights.stream().mapToDouble(Double::doubleValue).sum();
        for (String name : List.of("big.weight", "wide.weight")) {
            double[] out = merged.get(name).values();
            double[] theta0 = b.get(name).values();
            assertThat(out).hasSameSizeAs(theta0);
            // float32 output of a float64 sum: each element within one float32 rounding (ulp) of the reference
            double worstInUlps = 0;
            int worstAt = -1;
            for (int j = 0; j < out.length; j++) {
                double expected = theta0[j];
                for (int i = 0; i < weights.size(); i++) {
                    expected += weights.get(i) / total * (m.get(i).get(name).values()[j] - theta0[j]);
                }
                double inUlps = Math.abs(out[j] - expected) / Math.ulp((float) expected);
                if (inUlps > worstInUlps) {
                    worstInUlps = inUlps;
                    worstAt = j;
                }
            }
            assertThat(worstInUlps).as(name + ", worst element " + worstAt).isLessThanOrEqualTo(1.0);
        }
    }
}
