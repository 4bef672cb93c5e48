package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Self-Positioning gradient (Gram-matrix projection of ∇θL and the slerp-coefficient chain rule) against
 * central finite differences of L(a, λ) itself, in float64, on a tiny random encoder (2 layers, width 32) with
 * three task models. Required relative error ≤ 1e-3 (issue 5).
 */
class SelfPositioningGradientTest {

    @TempDir
    Path dir;

    @Test
    void gradientWithRespectToEachWeightAndLambdaMatchesCentralDifferences() {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 3, 11);
        List<Path> models = List.of(dir.resolve("model-1"), dir.resolve("model-2"), dir.resolve("model-3"));
        try (SelfPositioningObjective objective = new SelfPositioningObjective(
                        ConfinedFolder.self(dir.resolve("base")),
                        models.stream().map(ConfinedFolder::self).toList(),
                        DataType.FLOAT64,
                        0.05,
                        0.01);
                NDManager manager = NDManager.newBaseManager()) {
            ProbeBatch batch = new ProbeBatch(
                    manager.create(new long[] {2, 5, 7, 9, 3, 4, 8, 1, 6, 6, 2, 0}, new Shape(3, 4)),
                    manager.zeros(new Shape(3, 4), DataType.INT64),
                    manager.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, new Shape(3, 4)),
                    manager.create(new long[] {2, 5, 6, 9, 3, 4, 8, 2, 7, 6, 2, 3}, new Shape(3, 4)),
                    manager.zeros(new Shape(3, 4), DataType.INT64),
                    manager.ones(new Shape(3, 4), DataType.INT64));
            double[] a = {0.8, 1.4, 1.1};
            double lambda = 1.3;
            SelfPositioningObjective.Evaluation at = objective.evaluate(a, lambda, batch);

            double h = 1e-5;
            for (int j = 0; j < a.length; j++) {
                double[] up = a.clone();
                double[] down = a.clone();
                up[j] += h;
                down[j] -= h;
                double numeric = (objective.value(up, lambda, batch) - objective.value(down, lambda, batch)) / (2 * h);
                System.out.printf("dL/da_%d analytic %.10g numeric %.10g%n", j, at.gradientA()[j], numeric);
                assertThat(relativeError(at.gradientA()[j], numeric))
                        .as("dL/da_%d: %s vs %s", j, at.gradientA()[j], numeric)
                        .isLessThanOrEqualTo(1e-3);
            }
            double numericLambda =
                    (objective.value(a, lambda + h, batch) - objective.value(a, lambda - h, batch)) / (2 * h);
            System.out.printf(
                    "dL/dlambda analytic %.10g numeric %.10g, loss %.6f%n",
                    at.gradientLambda(), numericLambda, at.loss());
            assertThat(relativeError(at.gradientLambda(), numericLambda))
                    .as("dL/dλ: %s vs %s", at.gradientLambda(), numericLambda)
                    .isLessThanOrEqualTo(1e-3);
            assertThat(at.loss())
                    .isEqualTo(objective.value(a, lambda, batch), org.assertj.core.data.Offset.offset(1e-12));
            assertThat(at.t()[0]).isEqualTo(1.4 / 2.2, org.assertj.core.data.Offset.offset(1e-15));
        }
    }

    private static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1e-12, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }
}
