package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.merge.execution.ChunkRanges;
import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.support.MergeHarness;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.tensor.DType;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chunk buffers of a merge fit one budget whatever the number of models (1,000 models once needed 4 GB). */
class MergeMemoryBoundTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8, 64, 1000, 5000})
    void chunkBuffersFitTheBudget(int models) {
        int chunk = MergeExecutor.chunkElements(models);
        assertThat(chunk).isBetween(1, MergeExecutor.CHUNK_ELEMENTS);
        if (models <= 2000) {
            assertThat((long) Float.BYTES * chunk * 2 * (models + 1))
                    .isLessThanOrEqualTo(MergeExecutor.CHUNK_BUDGET_BYTES);
        }
    }

    @Test
    void fewModelsKeepFullChunks() {
        assertThat(MergeExecutor.chunkElements(2)).isEqualTo(MergeExecutor.CHUNK_ELEMENTS);
    }

    @Test
    void aThousandModelsMergeWithinTheChunkBudget() {
        long allocated = allocatedByMerge("linear", 1000);
        // Before the budget every model had its own 4 MB chunk buffer: 4 GB here.
        assertThat(allocated)
                .as("bytes allocated by the merge")
                .isLessThan(MergeExecutor.CHUNK_BUDGET_BYTES + (64L << 20));
    }

    /** TIES keeps histograms per model (magnitude thresholds); the model-count limit (default 64) bounds them. */
    @Test
    void tiesAtTheModelLimitStaysWithinItsDocumentedBound() {
        int n = 64;
        long histograms = n * ((1L << 16) * Long.BYTES + (long) ChunkRanges.PARTS * (1 << 16) * Integer.BYTES);
        long allocated = allocatedByMerge("ties", n);
        assertThat(allocated)
                .as("bytes allocated by the merge")
                .isLessThan(MergeExecutor.CHUNK_BUDGET_BYTES + histograms + (64L << 20));
    }

    private static long allocatedByMerge(String method, int n) {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 1);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 2);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Path out = MergeHarness.merge(
                method,
                Map.of(),
                Collections.nCopies(n, 1.0),
                0,
                base,
                Collections.nCopies(n, model),
                DType.F32,
                MergeExecutor.DEFAULT_MAX_SHARD_BYTES);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(MergeHarness.read(out)).containsKeys("pooler.dense.bias", "encoder.layer.0.output.dense.weight");
        return allocated;
    }

    @Test
    void shortChunksMergeLikeFullChunks() {
        Map<String, String> layout = Map.of("big.weight:F32", "120x100", "small.bias:BF16", "100");
        Path base = TestCheckpoints.create(layout, 3);
        Path model = TestCheckpoints.create(layout, 4);
        int n = 2000;
        assertThat(MergeExecutor.chunkElements(n))
                .as("several chunks per tensor")
                .isLessThan(120 * 100 / 2);
        var one = MergeHarness.mergeAndRead("linear", Map.of(), List.of(1.0), base, List.of(model));
        var many = MergeHarness.mergeAndRead(
                "linear", Map.of(), Collections.nCopies(n, 1.0), base, Collections.nCopies(n, model));
        assertThat(many.keySet()).isEqualTo(one.keySet());
        one.forEach((name, tensor) -> {
            if (tensor.values() != null) {
                assertThat(many.get(name).values())
                        .as(name)
                        .containsExactly(tensor.values(), org.assertj.core.data.Offset.offset(1e-6));
            }
        });
    }
}
