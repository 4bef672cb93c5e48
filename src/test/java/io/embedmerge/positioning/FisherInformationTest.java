package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagonal Fisher against an autograd-free computation: the squared central-difference gradient of the
 * contrastive loss of each batch, averaged over the batches (float64, tiny random encoder).
 */
class FisherInformationTest {

    @TempDir
    Path dir;

    @Test
    void fisherEqualsTheMeanSquaredFiniteDifferenceGradient() {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 1, 13);
        try (BertEncoder encoder = BertEncoder.load(dir.resolve("model-1"), DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            List<ProbeBatch> batches = List.of(
                    batch(manager, new long[] {2, 5, 7, 9, 3, 4, 8, 1}, new long[] {2, 5, 6, 9, 3, 4, 8, 2}),
                    batch(manager, new long[] {11, 12, 13, 14, 20, 21, 22, 23}, new long[] {
                        11, 12, 15, 14, 20, 25, 22, 23
                    }));
            Map<String, float[]> fisher = FisherInformation.diagonal(encoder, batches, 0.05);
            assertThat(fisher.keySet()).containsAll(encoder.parameters().keySet());
            String name = "encoder.layer.1.attention.self.value.weight";
            NDArray parameter = encoder.parameters().get(name);
            for (int index : new int[] {0, 33, 517, 1023}) {
                long[] position = {index / 32, index % 32};
                double mean = 0;
                for (ProbeBatch batch : batches) {
                    double g = finiteDifference(encoder, parameter, position, batch);
                    mean += g * g / batches.size();
                }
                assertThat((double) fisher.get(name)[index])
                        .as("F[%d]", index)
                        .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-3 * Math.abs(mean) + 1e-12));
            }
        }
    }

    /**
     * Two jobs computing gradients at once on different worker threads: each gets exactly the Fisher it gets alone
     * (DJL's process-wide GradientCollector refused the second one and zeroed the other job's gradients).
     */
    @Test
    void concurrentComputationsOnTwoEncodersDoNotInterfere() throws Exception {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 2, 13);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<ProbeBatch> batches = List.of(
                    batch(manager, new long[] {2, 5, 7, 9, 3, 4, 8, 1}, new long[] {2, 5, 6, 9, 3, 4, 8, 2}),
                    batch(manager, new long[] {11, 12, 13, 14, 20, 21, 22, 23}, new long[] {
                        11, 12, 15, 14, 20, 25, 22, 23
                    }));
            List<Map<String, float[]>> alone = new java.util.ArrayList<>();
            for (String model : List.of("model-1", "model-2")) {
                try (BertEncoder encoder = BertEncoder.load(dir.resolve(model), DataType.FLOAT64)) {
                    alone.add(FisherInformation.diagonal(encoder, batches, 0.05));
                }
            }
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
                List<java.util.concurrent.Future<List<Map<String, float[]>>>> runs = new java.util.ArrayList<>();
                for (String model : List.of("model-1", "model-2")) {
                    runs.add(pool.submit(() -> {
                        try (BertEncoder encoder = BertEncoder.load(dir.resolve(model), DataType.FLOAT64)) {
                            start.await();
                            List<Map<String, float[]>> repeated = new java.util.ArrayList<>();
                            for (int round = 0; round < 5; round++) {
                                repeated.add(FisherInformation.diagonal(encoder, batches, 0.05));
                            }
                            return repeated;
                        }
                    }));
                }
                for (int m = 0; m < 2; m++) {
                    for (Map<String, float[]> together : runs.get(m).get()) {
                        for (Map.Entry<String, float[]> e : alone.get(m).entrySet()) {
                            float[] expected = e.getValue();
                            float[] actual = together.get(e.getKey());
                            for (int j = 0; j < expected.length; j++) {
                                assertThat((double) actual[j])
                                        .as("model %d %s[%d]", m + 1, e.getKey(), j)
                                        .isCloseTo(
                                                expected[j],
                                                org.assertj.core.data.Offset.offset(
                                                        1e-6 * Math.abs(expected[j]) + 1e-30));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A tensor the loss does not use (BGE checkpoints carry a pooler that mean or CLS pooling never reads) has no
     * gradient at all in PyTorch; its Fisher must be exactly zero, not whatever memory an undefined gradient holds.
     */
    @Test
    void tensorsTheLossDoesNotUseGetZeroFisher() {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 1, 13);
        Path weights = dir.resolve("model-1").resolve("model.safetensors");
        Map<String, io.embedmerge.support.TestSafetensors.Tensor> tensors =
                new java.util.LinkedHashMap<>(io.embedmerge.support.TestSafetensors.read(weights));
        double[] pooler = new java.util.Random(5).doubles(32 * 32, -1, 1).toArray();
        tensors.put(
                "pooler.dense.weight",
                io.embedmerge.support.TestSafetensors.Tensor.floating("F32", new long[] {32, 32}, pooler));
        io.embedmerge.support.TestSafetensors.write(weights, tensors);
        try (BertEncoder encoder = BertEncoder.load(dir.resolve("model-1"), DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            List<ProbeBatch> batches = List.of(
                    batch(manager, new long[] {2, 5, 7, 9, 3, 4, 8, 1}, new long[] {2, 5, 6, 9, 3, 4, 8, 2}),
                    batch(manager, new long[] {11, 12, 13, 14, 20, 21, 22, 23}, new long[] {
                        11, 12, 15, 14, 20, 25, 22, 23
                    }));
            Map<String, float[]> fisher = FisherInformation.diagonal(encoder, batches, 0.05);
            assertThat(fisher.get("pooler.dense.weight")).hasSize(32 * 32).containsOnly(0f);
            float largest = 0;
            for (float f : fisher.get("encoder.layer.1.attention.self.value.weight")) {
                largest = Math.max(largest, f);
            }
            assertThat(largest).as("a tensor the loss uses").isPositive();
        }
    }

    /** A NaN gradient must stop the merge rather than become a NaN weight in it. */
    @Test
    void nonFiniteGradientsFailWithTheTensorNamed() {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 1, 13);
        try (BertEncoder encoder = BertEncoder.load(dir.resolve("model-1"), DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray bias = encoder.parameters().get("encoder.layer.1.output.dense.bias");
            bias.set(new ai.djl.ndarray.index.NDIndex("0"), Double.NaN);
            List<ProbeBatch> batches =
                    List.of(batch(manager, new long[] {2, 5, 7, 9, 3, 4, 8, 1}, new long[] {2, 5, 6, 9, 3, 4, 8, 2}));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FisherInformation.diagonal(encoder, batches, 0.05))
                    .hasMessageContaining("non-finite");
        }
    }

    private static ProbeBatch batch(NDManager manager, long[] queries, long[] positives) {
        Shape shape = new Shape(2, 4);
        return new ProbeBatch(
                manager.create(queries, shape),
                manager.zeros(shape, DataType.INT64),
                manager.ones(shape, DataType.INT64),
                manager.create(positives, shape),
                manager.zeros(shape, DataType.INT64),
                manager.ones(shape, DataType.INT64));
    }

    private static double loss(BertEncoder encoder, ProbeBatch b) {
        return ContrastiveLoss.of(
                        encoder.embed(b.queryIds(), b.queryTypes(), b.queryMask()),
                        encoder.embed(b.positiveIds(), b.positiveTypes(), b.positiveMask()),
                        0.05)
                .getDouble();
    }

    private static double finiteDifference(BertEncoder encoder, NDArray parameter, long[] index, ProbeBatch batch) {
        double h = 1e-6;
        double original = parameter.getDouble(index);
        parameter.set(new NDIndex(index), original + h);
        double up = loss(encoder, batch);
        parameter.set(new NDIndex(index), original - h);
        double down = loss(encoder, batch);
        parameter.set(new NDIndex(index), original);
        return (up - down) / (2 * h);
    }
}
