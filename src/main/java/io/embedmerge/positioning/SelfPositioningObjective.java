package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.merge.LearnedCoefficients.Granularity;
import io.embedmerge.merge.statistics.SlerpCoefficients;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.tensor.Autograd;
import io.embedmerge.tensor.ComputeDevice;
import io.embedmerge.tensor.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-Positioning's objective L = Σ_k w_k L_k(θ; batch_k) + μ·mean_g λ_g at θ = θ0 + λ_g Σ c_{g,i}(a_g) V_i on the
 * tensors of group g (one group for the whole model, or one per layer), and its gradient over the G·(N + 1)
 * scalars (merge-methods.md): one encoder forward/backward at θ gives ∇θL, the task vectors project it per group
 * (g_{g,i} = ⟨∇θL, V_i⟩ over the group's tensors), then ∂L/∂c_{g,i} = λ_g·g_{g,i}, ∂L/∂λ_g = Σ_i c_{g,i} g_{g,i}
 * + μ/G and ∂L/∂a_{g,j} = Σ_i ∂L/∂c_{g,i} · ∂c_{g,i}/∂a_{g,j} with the Jacobian of the slerp coefficients. Gram
 * matrices and projections accumulate in float64. No autograd graph spans the checkpoints.
 */
public class SelfPositioningObjective implements AutoCloseable {

    private final BertEncoder encoder;
    private final Map<String, NDArray> base = new LinkedHashMap<>();
    /** V_1..V_N of each parameter, by parameter name. */
    private final Map<String, List<NDArray>> taskVectors = new LinkedHashMap<>();

    private final Map<String, Integer> groupOfParameter = new LinkedHashMap<>();
    private final List<String> groups = new ArrayList<>();
    private final double[][][] grams;
    private final int models;
    private final double temperature;
    private final double mu;

    /** The value and gradient at one point (model granularity, one InfoNCE batch). */
    public record Evaluation(double loss, double[] gradientA, double gradientLambda, double[] c, double[] t) {}

    /** A batch of probe part {@code part}: its loss enters the objective as weight·L(objective). */
    public record PartBatch(ProbeBatch batch, ContrastiveTrainer.Objective objective, double weight, int part) {

        public PartBatch(ProbeBatch batch, ContrastiveTrainer.Objective objective, double weight) {
            this(batch, objective, weight, 0);
        }
    }

    /**
     * @param base        the base checkpoint folder (its encoder is the one whose parameters are moved)
     * @param models      fine-tuned checkpoint folders
     * @param mu          the penalty weight of {@link #evaluate(double[], double, ProbeBatch)} and {@link #value}
     */
    public SelfPositioningObjective(
            ConfinedFolder base, List<ConfinedFolder> models, DataType precision, double temperature, double mu) {
        this(base, models, precision, temperature, mu, Granularity.MODEL);
    }

    public SelfPositioningObjective(
            ConfinedFolder base,
            List<ConfinedFolder> models,
            DataType precision,
            double temperature,
            double mu,
            Granularity granularity) {
        this.encoder = BertEncoder.load(base, precision);
        this.temperature = temperature;
        this.mu = mu;
        this.models = models.size();
        encoder.parameters().forEach((name, p) -> {
            this.base.put(name, p.duplicate());
            p.setRequiresGradient(true);
            String group = granularity.groupOf(name);
            if (!groups.contains(group)) {
                groups.add(group);
            }
            groupOfParameter.put(name, groups.indexOf(group));
            taskVectors.put(name, new ArrayList<>());
        });
        for (ConfinedFolder model : models) {
            try (BertEncoder other = BertEncoder.load(model, precision)) {
                for (Map.Entry<String, NDArray> e : this.base.entrySet()) {
                    NDArray theta = other.parameters().get(e.getKey());
                    NDArray difference = theta.sub(e.getValue());
                    difference.attach(e.getValue().getManager());
                    taskVectors.get(e.getKey()).add(difference);
                }
            }
        }
        int n = this.models;
        grams = new double[groups.size()][n][n];
        for (Map.Entry<String, List<NDArray>> e : taskVectors.entrySet()) {
            double[][] gram = grams[groupOfParameter.get(e.getKey())];
            List<NDArray> v = e.getValue();
            for (int i = 0; i < n; i++) {
                double[] dots = Float64Dot.of(v.get(i), v.subList(i, n));
                for (int k = i; k < n; k++) {
                    gram[i][k] += dots[k - i];
                }
            }
        }
        for (double[][] gram : grams) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < i; k++) {
                    gram[i][k] = gram[k][i];
                }
            }
        }
    }

    /** Tokenizes (query, positive) pairs into a batch owned by {@code scope}. */
    public ProbeBatch batch(List<TextPair> pairs, NDManager scope) {
        return ProbeBatch.of(encoder, pairs, scope);
    }

    /** The groups in the order of their first parameter ({@code model}, or {@code other, encoder.layer.0, ...}). */
    public List<String> groups() {
        return List.copyOf(groups);
    }

    public int models() {
        return models;
    }

    /** G_ik = ⟨V_i, V_k⟩ over the whole model (model granularity). */
    public double[][] gram() {
        if (grams.length != 1) {
            throw new IllegalStateException("the objective has " + grams.length + " groups; ask gram(group)");
        }
        return grams[0];
    }

    /** G_ik = ⟨V_i, V_k⟩ over the tensors of one group. */
    public double[][] gram(int group) {
        return grams[group];
    }

    /** The slerp coefficients of every group at a point. */
    public SlerpCoefficients.Result[] coefficients(SearchPoint point) {
        SlerpCoefficients.Result[] result = new SlerpCoefficients.Result[groups.size()];
        for (int g = 0; g < result.length; g++) {
            result[g] = SlerpCoefficients.compute(grams[g], point.weights()[g]);
        }
        return result;
    }

    /**
     * Sets the encoder's parameters to θ0 + λ_g Σ c_{g,i} V_i, in place under no-grad (replacing them would leak
     * their native memory), and returns each group's coefficients.
     */
    private SlerpCoefficients.Result[] position(SearchPoint point) {
        if (point.groups() != groups.size() || point.models() != models) {
            throw new IllegalArgumentException("a point of " + point.groups() + " group(s) × " + point.models()
                    + " model(s) for an objective of " + groups.size() + " × " + models);
        }
        SlerpCoefficients.Result[] coefficients = coefficients(point);
        Autograd.withoutGradients(() -> {
            for (Map.Entry<String, NDArray> e : base.entrySet()) {
                int g = groupOfParameter.get(e.getKey());
                double lambda = point.lambdas()[g];
                double[] c = coefficients[g].c();
                NDArray theta = encoder.parameters().get(e.getKey());
                theta.muli(0).addi(e.getValue());
                List<NDArray> v = taskVectors.get(e.getKey());
                for (int i = 0; i < c.length; i++) {
                    try (NDArray step = v.get(i).mul(lambda * c[i])) {
                        theta.addi(step);
                    }
                }
            }
        });
        return coefficients;
    }

    /** μ·mean_g λ_g, the penalty at a point for the penalty weight μ. */
    public static double penalty(SearchPoint point, double weight) {
        double sum = 0;
        for (double lambda : point.lambdas()) {
            sum += lambda;
        }
        return weight * (sum / point.lambdas().length);
    }

    /** L(a, λ) only, without gradients (model granularity, one InfoNCE batch, penalty weight μ). */
    public double value(double[] a, double lambda, ProbeBatch batch) {
        SearchPoint point = SearchPoint.of(1, a, lambda);
        return losses(point, List.of(new PartBatch(batch, ContrastiveTrainer.Objective.INFONCE, 1.0)))[0]
                + penalty(point, mu);
    }

    /** The value and gradient at (a, λ) (model granularity, one InfoNCE batch, penalty weight μ). */
    public Evaluation evaluate(double[] a, double lambda, ProbeBatch batch) {
        SearchPoint point = SearchPoint.of(1, a, lambda);
        SearchGradient gradient =
                evaluate(point, List.of(new PartBatch(batch, ContrastiveTrainer.Objective.INFONCE, 1.0)), mu);
        SlerpCoefficients.Result coefficients = coefficients(point)[0];
        return new Evaluation(
                gradient.loss(),
                gradient.gradientA()[0],
                gradient.gradientLambda()[0],
                coefficients.c(),
                coefficients.t());
    }

    /** Each batch's own loss L(batch) (unweighted, no penalty) at a point, without gradients. */
    public double[] losses(SearchPoint point, List<PartBatch> batches) {
        position(point);
        double[] losses = new double[batches.size()];
        Autograd.withoutGradients(() -> {
            for (int b = 0; b < losses.length; b++) {
                PartBatch part = batches.get(b);
                // the forward pass's arrays go with the copy's scope, not with a batch that is kept for later checks
                try (NDManager scope = ComputeDevice.newManager()) {
                    losses[b] = scalar(loss(part.batch().copyTo(scope), part));
                }
            }
        });
        return losses;
    }

    /**
     * The objective Σ_k w_k L_k + penalty(point, penaltyWeight) on one batch per part, each part's L_k, and the
     * gradient over every group's (a, λ): one forward per part, one backward of the weighted sum.
     */
    public SearchGradient evaluate(SearchPoint point, List<PartBatch> parts, double penaltyWeight) {
        SlerpCoefficients.Result[] coefficients = position(point);
        NDArray[] partLosses = new NDArray[parts.size()];
        double probeLoss = Autograd.gradients(encoder.parameters().values(), () -> {
            NDArray total = null;
            for (int k = 0; k < partLosses.length; k++) {
                PartBatch part = parts.get(k);
                partLosses[k] = loss(part.batch(), part);
                NDArray term = part.weight() == 1.0 ? partLosses[k] : Scalars.times(partLosses[k], part.weight());
                total = total == null ? term : total.add(term);
            }
            return total;
        });
        double[] values = new double[partLosses.length];
        boolean totalIsThePart = parts.size() == 1 && parts.getFirst().weight() == 1.0;
        for (int k = 0; k < values.length; k++) {
            // gradients() has closed the total: when it is the one part's loss, that loss is its value
            values[k] = totalIsThePart ? probeLoss : scalar(partLosses[k]);
        }
        int g = groups.size();
        double[][] projections = new double[g][models];
        for (Map.Entry<String, NDArray> e : encoder.parameters().entrySet()) {
            double[] projection = projections[groupOfParameter.get(e.getKey())];
            try (NDArray gradient = e.getValue().getGradient()) {
                double[] dots = Float64Dot.of(gradient, taskVectors.get(e.getKey()));
                for (int i = 0; i < models; i++) {
                    projection[i] += dots[i];
                }
            }
        }
        double[][] gradientA = new double[g][models];
        double[] gradientLambda = new double[g];
        for (int group = 0; group < g; group++) {
            double lambda = point.lambdas()[group];
            double[] c = coefficients[group].c();
            double[][] jacobian = coefficients[group].jacobian();
            double[] projection = projections[group];
            gradientLambda[group] = penaltyWeight / g;
            double[] dLdc = new double[models];
            for (int i = 0; i < models; i++) {
                dLdc[i] = lambda * projection[i];
                gradientLambda[group] += c[i] * projection[i];
            }
            for (int j = 0; j < models; j++) {
                for (int i = 0; i < models; i++) {
                    gradientA[group][j] += dLdc[i] * jacobian[i][j];
                }
            }
        }
        return new SearchGradient(probeLoss + penalty(point, penaltyWeight), values, gradientA, gradientLambda);
    }

    /**
     * One batch's loss L (unweighted) under its part's objective at the encoder's current parameters. Not final for
     * tests only: SelfPositioningNormalizationTest rescales one part's loss through it.
     */
    NDArray loss(ProbeBatch batch, PartBatch part) {
        return batch.loss(encoder, part.objective(), temperature);
    }

    private static double scalar(NDArray value) {
        if (value.getDataType() == DataType.FLOAT64) {
            return value.getDouble();
        }
        try (NDArray wide = value.toType(DataType.FLOAT64, false)) {
            return wide.getDouble();
        }
    }

    @Override
    public void close() {
        encoder.close();
    }
}
