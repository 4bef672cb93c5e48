package io.embedmerge.positioning;

import io.embedmerge.tensor.ComputeDevice;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * Learns the merge coefficients (a_1..a_N, λ) by Adam on the probe set (merge-methods.md, self_positioning). The
 * scalars stay positive through a softplus parametrisation: a_i = softplus(α_i), λ = softplus(β).
 */
public final class SelfPositioning {

    /** Hyper-parameters of the search. */
    public record Settings(int steps, int batchSize, double learningRate, double initLambda, long seed) {
    }

    /** What the search learned, and its loss per step. */
    public record Outcome(double[] weights, double lambda, double[] t, double[] c, List<Double> lossCurve) {
    }

    /** Told after every step. */
    @FunctionalInterface
    public interface StepListener {
        void stepDone(int step, int steps, double loss);
    }

    private SelfPositioning() {
    }

    public static Outcome optimize(SelfPositioningObjective objective, List<TextPair> probe, double[] initWeights,
                                   Settings settings, StepListener listener) {
        if (probe.isEmpty()) {
            throw new IllegalArgumentException("the probe set has no pairs");
        }
        int n = initWeights.length;
        double[] x = new double[n + 1];
        for (int i = 0; i < n; i++) {
            x[i] = inverseSoftplus(initWeights[i]);
        }
        x[n] = inverseSoftplus(settings.initLambda());
        double[] m = new double[n + 1];
        double[] v = new double[n + 1];
        PairBatches batches = new PairBatches(probe, settings.batchSize(), settings.seed());
        List<Double> curve = new ArrayList<>();
        for (int step = 1; step <= settings.steps(); step++) {
            List<TextPair> batch = batches.next();
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = softplus(x[i]);
            }
            double lambda = softplus(x[n]);
            SelfPositioningObjective.Evaluation e;
            try (NDManager scope = ComputeDevice.newManager()) {
                e = objective.evaluate(a, lambda, objective.batch(batch, scope));
            }
            double[] gradient = new double[n + 1];
            for (int i = 0; i < n; i++) {
                gradient[i] = e.gradientA()[i] * sigmoid(x[i]);
            }
            gradient[n] = e.gradientLambda() * sigmoid(x[n]);
            adam(x, gradient, m, v, step, settings.learningRate());
            curve.add(e.loss());
            listener.stepDone(step, settings.steps(), e.loss());
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = softplus(x[i]);
        }
        var coefficients = io.embedmerge.merge.statistics.SlerpCoefficients.compute(objective.gram(), a);
        return new Outcome(a, softplus(x[n]), coefficients.t(), coefficients.c(), curve);
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
