package io.embedmerge.positioning;

import io.embedmerge.merge.statistics.SlerpCoefficients;
import io.embedmerge.storage.ConfinedFolder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.tensor.Autograd;
import io.embedmerge.tensor.Scalars;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-Positioning's objective L(a, λ) = L_CL(θ0 + λ·Σ c_i(a) V_i; batch) + μ·λ and its gradient over the N + 1
 * scalars (merge-methods.md): one encoder forward/backward at θ(a, λ) gives ∇θL, the task vectors project it
 * (g_i = ⟨∇θL, V_i⟩), then ∂L/∂c_i = λ·g_i, ∂L/∂λ = Σ c_i g_i + μ and ∂L/∂a_j = Σ_i ∂L/∂c_i · ∂c_i/∂a_j with the
 * Jacobian of the slerp coefficients. No autograd graph spans the checkpoints.
 */
public final class SelfPositioningObjective implements AutoCloseable {

    private final BertEncoder encoder;
    private final Map<String, NDArray> base = new LinkedHashMap<>();
    private final List<Map<String, NDArray>> taskVectors = new ArrayList<>();
    private final double[][] gram;
    private final double temperature;
    private final double mu;

    /** The value and gradient at one point. */
    public record Evaluation(double loss, double[] gradientA, double gradientLambda, double[] c, double[] t) {
    }

    /**
     * @param base   the base checkpoint folder (its encoder is the one whose parameters are moved)
     * @param models fine-tuned checkpoint folders
     */
    public SelfPositioningObjective(ConfinedFolder base, List<ConfinedFolder> models, DataType precision, double temperature, double mu) {
        this.encoder = BertEncoder.load(base, precision);
        this.temperature = temperature;
        this.mu = mu;
        encoder.parameters().forEach((name, p) -> {
            this.base.put(name, p.duplicate());
            p.setRequiresGradient(true);
        });
        for (ConfinedFolder model : models) {
            Map<String, NDArray> v = new LinkedHashMap<>();
            try (BertEncoder other = BertEncoder.load(model, precision)) {
                for (Map.Entry<String, NDArray> e : this.base.entrySet()) {
                    NDArray theta = other.parameters().get(e.getKey());
                    NDArray difference = theta.sub(e.getValue());
                    difference.attach(e.getValue().getManager());
                    v.put(e.getKey(), difference);
                }
            }
            taskVectors.add(v);
        }
        int n = models.size();
        gram = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = i; k < n; k++) {
                double dot = 0;
                for (String name : this.base.keySet()) {
                    dot += dot(taskVectors.get(i).get(name), taskVectors.get(k).get(name));
                }
                gram[i][k] = dot;
                gram[k][i] = dot;
            }
        }
    }

    /** Tokenizes (query, positive) pairs into a batch owned by {@code scope}. */
    public ProbeBatch batch(List<TextPair> pairs, ai.djl.ndarray.NDManager scope) {
        return ProbeBatch.of(encoder, pairs, scope);
    }

    /** ⟨a, b⟩ in float64, closing the intermediate arrays. */
    private static double dot(NDArray a, NDArray b) {
        try (NDArray product = a.mul(b); NDArray sum = product.sum(); NDArray wide = sum.toType(DataType.FLOAT64, false)) {
            return wide.getDouble();
        }
    }

    public double[][] gram() {
        return gram;
    }

    /**
     * Sets the encoder's parameters to θ0 + λ Σ c_i V_i, in place under no-grad (replacing them would leak their
     * native memory), and returns c and t.
     */
    private SlerpCoefficients.Result position(double[] a, double lambda) {
        SlerpCoefficients.Result coefficients = SlerpCoefficients.compute(gram, a);
        Autograd.withoutGradients(() -> {
            for (Map.Entry<String, NDArray> e : base.entrySet()) {
                NDArray theta = encoder.parameters().get(e.getKey());
                theta.muli(0).addi(e.getValue());
                for (int i = 0; i < coefficients.c().length; i++) {
                    try (NDArray step = taskVectors.get(i).get(e.getKey()).mul(lambda * coefficients.c()[i])) {
                        theta.addi(step);
                    }
                }
            }
        });
        return coefficients;
    }

    private NDArray loss(ProbeBatch batch, double lambda) {
        return Scalars.plus(batch.contrastiveLoss(encoder, temperature), mu * lambda);
    }

    /** L(a, λ) only, without gradients. */
    public double value(double[] a, double lambda, ProbeBatch batch) {
        position(a, lambda);
        return loss(batch, lambda).toType(DataType.FLOAT64, false).getDouble();
    }

    public Evaluation evaluate(double[] a, double lambda, ProbeBatch batch) {
        SlerpCoefficients.Result coefficients = position(a, lambda);
        int n = a.length;
        double[] g = new double[n];
        double value = Autograd.gradients(encoder.parameters().values(), () -> loss(batch, lambda));
        for (Map.Entry<String, NDArray> e : encoder.parameters().entrySet()) {
            try (NDArray gradient = e.getValue().getGradient()) {
                for (int i = 0; i < n; i++) {
                    g[i] += dot(gradient, taskVectors.get(i).get(e.getKey()));
                }
            }
        }
        double[] c = coefficients.c();
        double gradientLambda = mu;
        double[] dLdc = new double[n];
        for (int i = 0; i < n; i++) {
            dLdc[i] = lambda * g[i];
            gradientLambda += c[i] * g[i];
        }
        double[] gradientA = new double[n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                gradientA[j] += dLdc[i] * coefficients.jacobian()[i][j];
            }
        }
        return new Evaluation(value, gradientA, gradientLambda, c, coefficients.t());
    }

    @Override
    public void close() {
        encoder.close();
    }
}
