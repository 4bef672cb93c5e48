package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamScope;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.SliceLayout;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.statistics.GramMatrices;
import java.util.List;

/**
 * Karcher mean (as mergekit): per tensor, the Riemannian mean on the unit sphere of the models' own tensors (not
 * task vectors; the base only supplies non-floating tensors and files), by fixed-point iteration of the log/exp maps,
 * scaled by Σ α_i ‖θ_i‖ with α_i = w_i / Σ w (equal weights: mergekit). Every iterate is a linear combination of the
 * θ_i, so the per-tensor Gram matrix of the models gives it and one write pass applies Σ k_i θ_i. The weights and
 * tol may vary per tensor.
 */
final class KarcherMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "karcher",
            "Karcher mean: per tensor, the Riemannian mean of the models' unit-norm tensors on the hypersphere "
                    + "(fixed-point iteration of the log and exp maps from the normalised weighted mean), scaled by the "
                    + "weighted mean of their norms. Tensors with norm ≤ tol take no part in the mean.",
            "https://en.wikipedia.org/wiki/Karcher_mean",
            List.of(
                    new ParamSpec("maxIter", ParamType.INTEGER, 10L, "Iterations at most.", 1.0, 1000.0, List.of()),
                    new ParamSpec(
                                    "tol",
                                    ParamType.NUMBER,
                                    1e-5,
                                    "Convergence tolerance (also the smallest norm and " + "angle taken into account).",
                                    1e-12,
                                    1.0,
                                    List.of())
                            .alsoIn(ParamScope.TENSOR),
                    Params.modelWeight(true),
                    SliceLayout.PARAM),
            WeightSpec.positiveWeights(),
            List.of("gram-raw"),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        validate(params, List.of(), weights);
    }

    @Override
    public void validate(MethodParams params, List<MethodParams> perModel, List<Double> weights) {
        Params.requirePositiveWeights("karcher", weights);
        TensorSettings.requirePositiveWeights("karcher", perModel);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        MethodParams p = setup.params();
        LayerPositions positions = LayerPositions.of(setup);
        int maxIter = (int) p.number("maxIter");
        GramMatrices grams = GramMatrices.computeRaw(setup.inputs(), n);
        return tensor -> {
            double t = positions.of(tensor);
            double[] w = TensorSettings.weights(p, setup.modelParams(), setup.weights(), tensor.name(), t);
            double sum = java.util.Arrays.stream(w).sum();
            double[] alpha = java.util.Arrays.stream(w).map(x -> x / sum).toArray();
            double tol = TensorSettings.evaluate(p.values().get("tol"), tensor.name(), t, 1e-5);
            return rawSum(coefficients(grams.of(tensor), alpha, maxIter, tol));
        };
    }

    /** out = Σ k_i θ_i, accumulated in float64. */
    private static ChunkMerger rawSum(double[] k) {
        return ChunkMerger.elementwise((first, base, models, out, from, to) -> {
            for (int j = from; j < to; j++) {
                double acc = 0;
                for (int i = 0; i < k.length; i++) {
                    acc += k[i] * models[i][j];
                }
                out[j] = (float) acc;
            }
        });
    }

    /** The Karcher mean as Σ k_i θ_i from the Gram matrix of the θ_i. */
    static double[] coefficients(double[][] gram, double[] alpha, int maxIter, double tol) {
        int n = alpha.length;
        double[] norms = new double[n];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            norms[i] = Math.sqrt(Math.max(0, gram[i][i]));
            scale += alpha[i] * norms[i];
        }
        if (n == 1) {
            return new double[] {1};
        }
        boolean[] valid = new boolean[n];
        double validSum = 0;
        int firstValid = -1;
        for (int i = 0; i < n; i++) {
            valid[i] = norms[i] > tol;
            if (valid[i]) {
                validSum += alpha[i];
                firstValid = firstValid < 0 ? i : firstValid;
            }
        }
        if (firstValid < 0) {
            return new double[n];
        }
        double[] a = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            if (valid[i]) {
                a[i] = alpha[i] / validSum;
                u[i] = a[i] / norms[i];
            }
        }
        double normU = Math.sqrt(Math.max(0, quadratic(gram, u)));
        if (normU < tol) {
            u = new double[n];
            u[firstValid] = 1 / norms[firstValid];
        } else {
            scale(u, 1 / normU);
        }
        for (int iteration = 0; iteration < maxIter; iteration++) {
            double[] gu = times(gram, u);
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                if (!valid[i]) {
                    continue;
                }
                double dot = Math.clamp(gu[i] / norms[i], -1.0, 1.0);
                double theta = Math.acos(dot);
                if (theta < tol) {
                    continue;
                }
                double f = a[i] * theta / Math.sin(theta);
                t[i] += f / norms[i];
                for (int j = 0; j < n; j++) {
                    t[j] -= f * dot * u[j];
                }
            }
            double normT = Math.sqrt(Math.max(0, quadratic(gram, t)));
            if (normT < tol) {
                break;
            }
            double cos = Math.cos(normT);
            double sin = Math.sin(normT);
            for (int j = 0; j < n; j++) {
                u[j] = cos * u[j] + sin * t[j] / normT;
            }
            double length = Math.sqrt(Math.max(0, quadratic(gram, u)));
            if (length > tol) {
                scale(u, 1 / length);
            }
        }
        scale(u, scale);
        return u;
    }

    private static double[] times(double[][] gram, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += gram[i][j] * x[j];
            }
        }
        return y;
    }

    private static double quadratic(double[][] gram, double[] x) {
        double q = 0;
        double[] gx = times(gram, x);
        for (int i = 0; i < x.length; i++) {
            q += x[i] * gx[i];
        }
        return q;
    }

    private static void scale(double[] x, double factor) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= factor;
        }
    }
}
