package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.merge.LearnedCoefficients.Granularity;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.tensor.DType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer-wise Self-Positioning gradient (a Gram matrix and projections per group, the slerp chain rule per group)
 * on a probe mixture (InfoNCE weight 0.7 + CoSENT weight 1.3, penalty weight 0.02) against central finite
 * differences of the objective itself, in float64, on a tiny random encoder (2 layers, width 32: groups other,
 * encoder.layer.0, encoder.layer.1) with three task models. Required relative error ≤ 1e-3, as for the model-level
 * gradient (SelfPositioningGradientTest).
 */
class SelfPositioningLayerGradientTest {

    @TempDir
    Path dir;

    @Test
    void gradientOfEveryGroupsWeightsAndLambdaMatchesCentralDifferences() {
        SyntheticCheckpoints.write(dir, new SyntheticCheckpoints.Shape(2, 32, 64, 50), DType.F32, 3, 13);
        List<ConfinedFolder> models =
                List.of(dir.resolve("model-1"), dir.resolve("model-2"), dir.resolve("model-3")).stream()
                        .map(ConfinedFolder::self)
                        .toList();
        double penaltyWeight = 0.02;
        try (SelfPositioningObjective objective = new SelfPositioningObjective(
                        ConfinedFolder.self(dir.resolve("base")),
                        models,
                        DataType.FLOAT64,
                        0.05,
                        0.0,
                        Granularity.LAYER);
                SelfPositioningObjective wholeModel = new SelfPositioningObjective(
                        ConfinedFolder.self(dir.resolve("base")), models, DataType.FLOAT64, 0.05, 0.0);
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(objective.groups()).containsExactly("other", "encoder.layer.0", "encoder.layer.1");
            // the groups' Gram matrices partition the model's
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 3; k++) {
                    double sum = objective.gram(0)[i][k]
                            + objective.gram(1)[i][k]
                            + objective.gram(2)[i][k];
                    assertThat(sum)
                            .isCloseTo(
                                    wholeModel.gram()[i][k],
                                    org.assertj.core.data.Offset.offset(
                                            1e-12 * Math.abs(wholeModel.gram()[i][k])));
                }
            }
            Shape shape = new Shape(3, 4);
            ProbeBatch pairs = new ProbeBatch(
                    manager.create(new long[] {2, 5, 7, 9, 3, 4, 8, 1, 6, 6, 2, 0}, shape),
                    manager.zeros(shape, DataType.INT64),
                    manager.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, shape),
                    manager.create(new long[] {2, 5, 6, 9, 3, 4, 8, 2, 7, 6, 2, 3}, shape),
                    manager.zeros(shape, DataType.INT64),
                    manager.ones(shape, DataType.INT64));
            ProbeBatch scored = new ProbeBatch(
                    manager.create(new long[] {4, 8, 1, 3, 9, 9, 2, 5, 7, 1, 6, 4}, shape),
                    manager.zeros(shape, DataType.INT64),
                    manager.ones(shape, DataType.INT64),
                    manager.create(new long[] {4, 8, 2, 3, 5, 1, 7, 6, 7, 1, 6, 0}, shape),
                    manager.zeros(shape, DataType.INT64),
                    manager.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, shape),
                    null,
                    null,
                    null,
                    new double[] {4.0, 1.0, 2.5});
            List<SelfPositioningObjective.PartBatch> parts = List.of(
                    new SelfPositioningObjective.PartBatch(pairs, ContrastiveTrainer.Objective.INFONCE, 0.7, 0),
                    new SelfPositioningObjective.PartBatch(scored, ContrastiveTrainer.Objective.COSENT, 1.3, 1));
            SearchPoint at = new SearchPoint(
                    new double[][] {{0.8, 1.4, 1.1}, {1.2, 0.6, 0.9}, {0.5, 1.0, 1.7}}, new double[] {1.3, 0.7, 1.6});
            SearchGradient analytic = objective.evaluate(at, parts, penaltyWeight);

            double[] losses = objective.losses(at, parts);
            assertThat(analytic.partLosses()[0]).isCloseTo(losses[0], org.assertj.core.data.Offset.offset(1e-12));
            assertThat(analytic.partLosses()[1]).isCloseTo(losses[1], org.assertj.core.data.Offset.offset(1e-12));
            assertThat(analytic.loss())
                    .isCloseTo(value(objective, at, parts, penaltyWeight), org.assertj.core.data.Offset.offset(1e-12));
            assertThat(losses[1]).as("CoSENT on scored pairs enters").isPositive();

            double h = 1e-5;
            for (int g = 0; g < 3; g++) {
                for (int j = 0; j < 3; j++) {
                    double[][] up = copy(at.weights());
                    double[][] down = copy(at.weights());
                    up[g][j] += h;
                    down[g][j] -= h;
                    double numeric = (value(objective, new SearchPoint(up, at.lambdas()), parts, penaltyWeight)
                                    - value(objective, new SearchPoint(down, at.lambdas()), parts, penaltyWeight))
                            / (2 * h);
                    System.out.printf(
                            "group %d dL/da_%d analytic %.10g numeric %.10g%n",
                            g, j, analytic.gradientA()[g][j], numeric);
                    assertThat(relativeError(analytic.gradientA()[g][j], numeric))
                            .as("group %d dL/da_%d", g, j)
                            .isLessThanOrEqualTo(1e-3);
                }
                double[] up = at.lambdas().clone();
                double[] down = at.lambdas().clone();
                up[g] += h;
                down[g] -= h;
                double numeric = (value(objective, new SearchPoint(at.weights(), up), parts, penaltyWeight)
                                - value(objective, new SearchPoint(at.weights(), down), parts, penaltyWeight))
                        / (2 * h);
                System.out.printf(
                        "group %d dL/dlambda analytic %.10g numeric %.10g%n", g, analytic.gradientLambda()[g], numeric);
                assertThat(relativeError(analytic.gradientLambda()[g], numeric))
                        .as("group %d dL/dλ", g)
                        .isLessThanOrEqualTo(1e-3);
            }
        }
    }

    /** The objective without gradients: Σ_k w_k L_k + μ·mean_g λ_g. */
    private static double value(
            SelfPositioningObjective objective,
            SearchPoint point,
            List<SelfPositioningObjective.PartBatch> parts,
            double penaltyWeight) {
        double[] losses = objective.losses(point, parts);
        double sum = 0;
        for (int k = 0; k < losses.length; k++) {
            sum += parts.get(k).weight() * losses[k];
        }
        return sum + penaltyWeight * (point.lambdas()[0] + point.lambdas()[1] + point.lambdas()[2]) / 3;
    }

    private static double[][] copy(double[][] values) {
        double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            copy[i] = values[i].clone();
        }
        return copy;
    }

    private static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1e-12, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }
}
