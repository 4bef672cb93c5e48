package io.embedmerge.positioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Early stopping of the coefficient search on a deterministic toy problem: the training gradient keeps pushing λ up
 * (∂L/∂λ = −1, a constant), while the validation loss (λ − 1.5)² is lowest near λ = 1.5, which the search passes on
 * its way up. The search must return exactly the point of its lowest validation check, stop after {@code patience}
 * checks without improvement, and record every check.
 */
class CoefficientSearchTest {

    /** The toy problem; remembers every point it was asked to validate, by check. */
    private static class RisingLambda implements CoefficientSearch.Problem {

        final List<SearchPoint> validated = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();
        int trainingSteps;

        @Override
        public SearchGradient train(SearchPoint point) {
            trainingSteps++;
            return new SearchGradient(
                    -point.lambdas()[0], new double[] {-point.lambdas()[0]}, new double[][] {{0.0, 0.0}}, new double[] {
                        -1.0
                    });
        }

        @Override
        public double validate(SearchPoint point) {
            validated.add(point);
            double loss = Math.pow(point.lambdas()[0] - 1.5, 2);
            losses.add(loss);
            return loss;
        }
    }

    private static final SearchPoint START = SearchPoint.of(1, new double[] {1.0, 2.0}, 1.0);

    @Test
    void keepsThePointOfTheLowestValidationCheckAndStopsAfterPatienceChecksWithoutImprovement() {
        RisingLambda problem = new RisingLambda();
        List<Double> reported = new ArrayList<>();
        CoefficientSearch.Result result = CoefficientSearch.run(
                problem,
                START,
                new CoefficientSearch.Settings(200, 0.05, true, 2, 3),
                (step, steps, loss, validationLoss) -> reported.add(validationLoss));

        int best = 0;
        for (int k = 1; k < problem.losses.size(); k++) {
            if (problem.losses.get(k) < problem.losses.get(best)) {
                best = k;
            }
        }
        assertThat(best).as("λ must pass 1.5 and rise beyond it").isBetween(1, problem.losses.size() - 2);
        assertThat(result.point()).usingRecursiveComparison().isEqualTo(problem.validated.get(best));
        assertThat(result.point().lambdas()[0]).isCloseTo(1.5, org.assertj.core.data.Offset.offset(0.06));
        assertThat(result.chosenStep()).isEqualTo(2 * best);
        assertThat(result.lastStep())
                .as("three checks of two steps after the best")
                .isEqualTo(2 * best + 3 * 2);
        assertThat(problem.trainingSteps).isEqualTo(result.lastStep());
        assertThat(result.stoppedEarly(200)).isTrue();
        assertThat(result.validationSteps())
                .isEqualTo(java.util.stream.IntStream.rangeClosed(0, result.lastStep() / 2)
                        .map(k -> 2 * k)
                        .boxed()
                        .toList());
        assertThat(result.validationLoss()).isEqualTo(problem.losses);
        assertThat(result.lossCurve()).hasSize(result.lastStep());
        assertThat(reported).hasSize(result.lastStep());
        assertThat(reported.get(0)).isNaN();
        assertThat(reported.get(1)).isEqualTo(problem.losses.get(1));
    }

    @Test
    void keepsTheStartingPointWhenNoStepImprovesOnItAndChecksAfterTheLastStep() {
        RisingLambda problem = new RisingLambda() {
            @Override
            public double validate(SearchPoint point) {
                super.validate(point);
                // lowest at the start: every step makes it worse
                double loss = point.lambdas()[0];
                losses.set(losses.size() - 1, loss);
                return loss;
            }
        };
        CoefficientSearch.Result result = CoefficientSearch.run(
                problem,
                START,
                new CoefficientSearch.Settings(10, 0.05, true, 4, 100),
                (step, steps, loss, validationLoss) -> {});
        assertThat(result.chosenStep()).isZero();
        assertThat(result.point()).usingRecursiveComparison().isEqualTo(problem.validated.getFirst());
        assertThat(result.point().lambdas()[0]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(result.validationSteps()).containsExactly(0, 4, 8, 10);
        assertThat(result.lastStep()).isEqualTo(10);
        assertThat(result.stoppedEarly(10)).isFalse();
    }

    @Test
    void withoutValidationReturnsThePointAfterTheLastStep() {
        RisingLambda problem = new RisingLambda();
        CoefficientSearch.Result result = CoefficientSearch.run(
                problem,
                START,
                new CoefficientSearch.Settings(30, 0.05, false, 2, 3),
                (step, steps, loss, validationLoss) -> {});
        assertThat(problem.validated).isEmpty();
        assertThat(result.chosenStep()).isEqualTo(30);
        assertThat(result.lastStep()).isEqualTo(30);
        // Adam's first steps move softplus⁻¹(λ) by about the learning rate each, all upwards
        assertThat(result.point().lambdas()[0]).isGreaterThan(1.0 + 30 * 0.05 * 0.5);
        assertThat(result.point().weights()[0][0])
                .as("a gets no gradient")
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(result.point().weights()[0][1]).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-12));
    }
}
