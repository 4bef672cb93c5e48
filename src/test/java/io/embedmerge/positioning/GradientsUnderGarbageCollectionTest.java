package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.Autograd;
import io.embedmerge.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backward pass must not depend on Java memory that garbage collection may free after the forward pass. DJL
 * turns x.mul(2.0) into a tensor over a Java direct buffer (torch::from_blob, not copied) and closes it at once,
 * while autograd keeps it for the backward pass: once GC freed and reused that buffer, gradients came out NaN at
 * random (it broke a Fisher merge in the experiment). Here the freed memory is deliberately reused with NaN bytes
 * between forward and backward; the gradients must be bit-identical to an undisturbed run.
 */
class GradientsUnderGarbageCollectionTest {

    @TempDir
    Path dir;

    @Test
    void infoNceGradientsAreUnchangedByGarbageCollectionBeforeBackward() throws Exception {
        assertStable(batch -> encoder -> batch.contrastiveLoss(encoder, 0.05));
    }

    @Test
    void coSentGradientsAreUnchangedByGarbageCollectionBeforeBackward() throws Exception {
        assertStable(batch -> encoder -> CoSentLoss.of(
                encoder.embed(batch.queryIds(), batch.queryTypes(), batch.queryMask()),
                encoder.embed(batch.positiveIds(), batch.positiveTypes(), batch.positiveMask()),
                new double[] {4.5, 1.0, 3.0},
                20));
    }

    private void assertStable(Function<ProbeBatch, Function<BertEncoder, NDArray>> lossOf) throws Exception {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 1, 29);
        try (BertEncoder encoder = BertEncoder.load(dir.resolve("model-1"));
                NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(3, 4);
            ProbeBatch batch = new ProbeBatch(
                    manager.create(new long[] {2, 5, 7, 9, 3, 4, 8, 1, 6, 6, 2, 0}, shape),
                    manager.zeros(shape, DataType.INT64),
                    manager.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, shape),
                    manager.create(new long[] {2, 5, 6, 9, 3, 4, 8, 2, 7, 6, 1, 1}, shape),
                    manager.zeros(shape, DataType.INT64),
                    manager.ones(shape, DataType.INT64));
            encoder.parameters().values().forEach(p -> p.setRequiresGradient(true));
            Function<BertEncoder, NDArray> loss = lossOf.apply(batch);

            Autograd.gradients(encoder.parameters().values(), () -> loss.apply(encoder));
            Map<String, float[]> undisturbed = gradients(encoder);
            for (int round = 0; round < 3; round++) {
                Autograd.gradients(encoder.parameters().values(), () -> {
                    NDArray value = loss.apply(encoder);
                    reuseFreedJavaMemoryWithNaN();
                    return value;
                });
                Map<String, float[]> disturbed = gradients(encoder);
                for (Map.Entry<String, float[]> e : undisturbed.entrySet()) {
                    assertThat(disturbed.get(e.getKey()))
                            .as("round %d: %s", round, e.getKey())
                            .containsExactly(e.getValue());
                }
            }
        }
    }

    private static Map<String, float[]> gradients(BertEncoder encoder) {
        Map<String, float[]> copies = new LinkedHashMap<>();
        encoder.parameters().forEach((name, p) -> {
            try (NDArray g = p.getGradient()) {
                copies.put(name, g.toFloatArray());
            }
        });
        return copies;
    }

    /** Collects garbage (so the cleaner frees unreachable direct buffers), then fills fresh ones with NaN bytes. */
    private static void reuseFreedJavaMemoryWithNaN() {
        try {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(30);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> scribbles = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(4 << (i % 2));
            while (buffer.hasRemaining()) {
                buffer.put((byte) 0xFF);
            }
            scribbles.add(buffer);
        }
    }
}
