package io.embedmerge.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.tensor.Autograd;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder's backward pass on a tiny random BERT (2 layers, width 32), in float64: autograd gradients of a
 * scalar loss against central finite differences (relative error ≤ 1e-3, absolute floor 1e-8 for the rounding of
 * the differences), and the Linear-input hook.
 */
class BertEncoderGradientTest {

    @TempDir
    Path dir;

    private Path tinyModel() {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 1, 3);
        return dir.resolve("model-1");
    }

    @Test
    void gradientsMatchCentralFiniteDifferencesInFloat64() {
        try (BertEncoder encoder = BertEncoder.load(tinyModel(), DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.create(new long[] {2, 7, 9, 11, 3, 5, 8, 0}, new Shape(2, 4));
            NDArray types = manager.zeros(new Shape(2, 4), DataType.INT64);
            NDArray mask = manager.create(new long[] {1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 4));
            double[] weights = new Random(7).doubles(2 * 32, -1, 1).toArray();
            NDArray direction = manager.create(weights, new Shape(2, 32));
            encoder.parameters().values().forEach(p -> p.setRequiresGradient(true));

            Autograd.gradients(
                    encoder.parameters().values(),
                    () -> encoder.embed(ids, types, mask).mul(direction).sum());
            Random random = new Random(1);
            List<String> checked = new ArrayList<>();
            for (String name : List.of(
                    "encoder.layer.1.attention.self.query.weight",
                    "encoder.layer.0.output.dense.weight",
                    "encoder.layer.1.output.LayerNorm.weight",
                    "embeddings.word_embeddings.weight",
                    "embeddings.position_embeddings.weight",
                    "encoder.layer.0.intermediate.dense.bias")) {
                NDArray parameter = encoder.parameters().get(name);
                NDArray gradient = parameter.getGradient();
                long[] shape = parameter.getShape().getShape();
                for (int sample = 0; sample < 3; sample++) {
                    long[] index = new long[shape.length];
                    for (int d = 0; d < shape.length; d++) {
                        index[d] = random.nextInt((int) shape[d]);
                    }
                    if (name.startsWith("embeddings.word")) {
                        index[0] = 7; // a token that occurs, so the gradient is not trivially 0
                    }
                    double analytic = gradient.getDouble(index);
                    double numeric = finiteDifference(encoder, parameter, index, ids, types, mask, direction);
                    // relative error 1e-3, with an absolute floor of 1e-8 for the finite-difference rounding noise
                    double tolerance = 1e-3 * Math.max(Math.abs(analytic), Math.abs(numeric)) + 1e-8;
                    assertThat(Math.abs(analytic - numeric))
                            .as("%s %s: %s vs %s", name, java.util.Arrays.toString(index), analytic, numeric)
                            .isLessThanOrEqualTo(tolerance);
                    checked.add(name);
                }
            }
            assertThat(checked).hasSize(18);
        }
    }

    private static double finiteDifference(
            BertEncoder encoder,
            NDArray parameter,
            long[] index,
            NDArray ids,
            NDArray types,
            NDArray mask,
            NDArray direction) {
        double h = 1e-6;
        double original = parameter.getDouble(index);
        parameter.set(new NDIndex(index), original + h);
        double up = encoder.embed(ids, types, mask).mul(direction).sum().getDouble();
        parameter.set(new NDIndex(index), original - h);
        double down = encoder.embed(ids, types, mask).mul(direction).sum().getDouble();
        parameter.set(new NDIndex(index), original);
        return (up - down) / (2 * h);
    }

    @Test
    void theLinearInputHookSeesEveryLinearLayer() {
        try (BertEncoder encoder = BertEncoder.load(tinyModel());
                NDManager manager = NDManager.newBaseManager()) {
            List<String> seen = new ArrayList<>();
            Map<String, Shape> shapes = new java.util.HashMap<>();
            encoder.recordLinearInputs((prefix, input, mask) -> {
                seen.add(prefix);
                shapes.put(prefix, input.getShape());
            });
            encoder.embed(
                    manager.create(new long[] {1, 2, 3}, new Shape(1, 3)),
                    manager.zeros(new Shape(1, 3), DataType.INT64),
                    manager.ones(new Shape(1, 3), DataType.INT64));
            assertThat(seen).hasSize(2 * 6);
            assertThat(seen).contains("encoder.layer.1.attention.self.value", "encoder.layer.0.output.dense");
            assertThat(shapes.get("encoder.layer.0.output.dense")).isEqualTo(new Shape(1, 3, 64));
            assertThat(shapes.get("encoder.layer.0.attention.self.query")).isEqualTo(new Shape(1, 3, 32));
        }
    }
}
