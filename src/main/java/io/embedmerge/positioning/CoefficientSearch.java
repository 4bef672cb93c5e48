package io.embedmerge.positioning;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam over positive scalars kept positive by a softplus parametrisation (a = softplus(α), λ = softplus(β)), with
 * optional early stopping: the validation loss is checked before the first step, every {@code validateEvery} steps
 * and after the last; the point of the lowest check is the result, and the search stops after {@code patience}
 * checks in a row without a lower one.
 */
public final class CoefficientSearch {

    /** What the search asks of its objective. */
    public interface Problem {

        /** The objective and its gradient at a point, on the next training batches. */
        SearchGradient train(SearchPoint point);

        /** The validation loss at a point (fixed held-out batches); only asked when validation is on. */
        double validate(SearchPoint point);
    }

    /** Told after every step; {@code validationLoss} is NaN where no check ran. */
    @FunctionalInterface
    public interface Listener {
        void stepDone(int step, int steps, double loss, double validationLoss);
    }

    /**
     * @param validate      whether to check a validation loss (else the point after the last step is the result)
     * @param validateEvery steps between two checks
     * @param patience      checks in a row without improvement before stopping
     */
    public record Settings(int steps, double learningRate, boolean validate, int validateEvery, int patience) {

        public Settings {
            if (steps < 1 || validateEvery < 1 || patience < 1) {
                throw new IllegalArgumentException("steps, validateEvery and patience must be at least 1");
            }
        }
    }

    /**
     * @param point           the chosen point: the best check's, or the last step's without validation
     * @param chosenStep      the number of steps taken to reach it (0: the starting point)
     * @param lastStep        the last step taken (below steps when the search stopped early)
     * @param lossCurve       the objective at each step, before its update
     * @param partLosses      each probe part's loss at each step
     * @param validationSteps the steps after which the validation loss was checked (0: before any)
     * @param validationLoss  the validation loss of each check
     */
    public record Result(
            SearchPoint point,
            int chosenStep,
            int lastStep,
            List<Double> lossCurve,
            List<double[]> partLosses,
            List<Integer> validationSteps,
            List<Double> validationLoss) {

        public boolean stoppedEarly(int steps) {
            return lastStep < steps;
        }
    }

    private CoefficientSearch() {}

    public static Result run(Problem problem, SearchPoint start, Settings settings, Listener listener) {
        int groups = start.groups();
        int n = start.models();
        int width = n + 1;
        double[] x = new double[groups * width];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < n; i++) {
                x[g * width + i] = inverseSoftplus(start.weights()[g][i]);
            }
            x[g * width + n] = inverseSoftplus(start.lambdas()[g]);
        }
        double[] m = new double[x.length];
        double[] v = new double[x.length];
        List<Double> curve = new ArrayList<>();
        List<double[]> partLosses = new ArrayList<>();
        List<Integer> checkedSteps = new ArrayList<>();
        List<Double> checks = new ArrayList<>();
        SearchPoint best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestStep = 0;
        int sinceBest = 0;
        if (settings.validate()) {
            best = point(x, groups, n);
            double atStart = problem.validate(best);
            checks.add(atStart);
            bestLoss = Double.isNaN(atStart) ? Double.POSITIVE_INFINITY : atStart;
            checkedSteps.add(0);
        }
        int last = 0;
        for (int step = 1; step <= settings.steps(); step++) {
            SearchGradient e = problem.train(point(x, groups, n));
            double[] gradient = new double[x.length];
            for (int g = 0; g < groups; g++) {
                for (int i = 0; i < n; i++) {
                    gradient[g * width + i] = e.gradientA()[g][i] * sigmoid(x[g * width + i]);
                }
                gradient[g * width + n] = e.gradientLambda()[g] * sigmoid(x[g * width + n]);
            }
            adam(x, gradient, m, v, step, settings.learningRate());
            curve.add(e.loss());
            partLosses.add(e.partLosses().clone());
            last = step;
            double validation = Double.NaN;
            if (settings.validate() && (step % settings.validateEvery() == 0 || step == settings.steps())) {
                SearchPoint here = point(x, groups, n);
                validation = problem.validate(here);
                checkedSteps.add(step);
                checks.add(validation);
                if (validation < bestLoss) {
                    best = here;
                    bestLoss = validation;
                    bestStep = step;
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
            }
            listener.stepDone(step, settings.steps(), e.loss(), validation);
            if (settings.validate() && sinceBest >= settings.patience()) {
                break;
            }
        }
        SearchPoint chosen = settings.validate() ? best : point(x, groups, n);
        return new Result(chosen, settings.validate() ? bestStep : last, last, curve, partLosses, checkedSteps, checks);
    }

    private static SearchPoint point(double[] x, int groups, int n) {
        double[][] a = new double[groups][n];
        double[] lambdas = new double[groups];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < n; i++) {
                a[g][i] = softplus(x[g * (n + 1) + i]);
            }
            lambdas[g] = softplus(x[g * (n + 1) + n]);
        }
        return new SearchPoint(a, lambdas);
    }

    private static void adam(double[] x, double[] g, double[] m, double[] v, int step, double rate) {
        double beta1 = 0.9;
        double beta2 = 0.999;
        for (int i = 0; i < x.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.pow(beta1, step));
            double vHat = v[i] / (1 - Math.pow(beta2, step));
            x[i] -= rate * mHat / (Math.sqrt(vHat) + 1e-8);
        }
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    static double inverseSoftplus(double y) {
        return y > 30 ? y : Math.log(Math.expm1(y));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
