package io.embedmerge.merge.methods;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.LearnedCoefficients;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.WeightedSum;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-Positioning (2410.15035): θ0 + λ·U_N(a) with (a, λ) learned by Adam on the probe set (the request's
 * {@code probe}); the per-model weights are the initial a_i. The search runs before the merge (worker), which then
 * writes θ0 + λ Σ c_i V_i like a model-level slerp, per layer with the coefficients of the tensor's layer when the
 * granularity is {@code layer}.
 */
final class SelfPositioningMerge implements MergeMethod {

    /** Largest share of each probe part that may be held out for validation (the rest trains). */
    static final double MAX_VALIDATION_FRACTION = 0.9;

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "self_positioning",
            "Learns the slerp weights a_i and the scale λ by SGD (Adam) on the probe set: minimises the probe loss "
                    + "of θ0 + λ·U_N(a) plus a penalty on λ over the N+1 scalars only (per layer with granularity "
                    + "'layer'). Needs `probe`: a data URI (InfoNCE pairs) or a list of parts "
                    + "[{uri, objective: infonce|cosent, weight, examples, scoreThreshold, label}] whose losses are "
                    + "summed with their weights, each part with its own batch (with `normalizeParts`, each part's loss "
                    + "divided by its starting loss first). The initial a_i are `initWeights`, or "
                    + "the per-model weights when it is absent.",
            "https://arxiv.org/abs/2410.15035",
            List.of(
                    new ParamSpec(
                            "steps",
                            ParamType.INTEGER,
                            200L,
                            "Adam steps (at most; early stopping may end sooner).",
                            1.0,
                            100_000.0,
                            List.of()),
                    new ParamSpec(
                            "batchSize",
                            ParamType.INTEGER,
                            16L,
                            "Pairs per step, for each probe part.",
                            1.0,
                            4096.0,
                            List.of()),
                    new ParamSpec(
                            "learningRate",
                            ParamType.NUMBER,
                            0.05,
                            "Adam step size on softplus⁻¹(a), softplus⁻¹(λ).",
                            1e-6,
                            10.0,
                            List.of()),
                    new ParamSpec(
                            "mu",
                            ParamType.NUMBER,
                            0.01,
                            "Weight μ of the λ penalty (the paper: best below 0.05). "
                                    + "With penalty 'absolute' the term μ·λ is added to the probe loss as it is, so μ must be set "
                                    + "against the probe loss's scale: an InfoNCE loss of ~1e-3 (easy pairs) and μ = 0.01 drive λ "
                                    + "towards 0; keep μ at most about a tenth of the loss's per-step change, or use 'relative'.",
                            0.0,
                            10.0,
                            List.of()),
                    new ParamSpec(
                            "penalty",
                            ParamType.STRING,
                            "absolute",
                            "'absolute': μ·λ (the paper); 'relative': "
                                    + "μ·λ·L₀, L₀ the probe loss at the starting point (mean over the first 4 batches, before any "
                                    + "step), so that μ means the same on any probe: a share of the starting loss per unit of λ. "
                                    + "With granularity 'layer' λ is the mean of the groups' λ.",
                            null,
                            null,
                            List.of("absolute", "relative")),
                    ParamSpec.bool(
                            "normalizeParts",
                            false,
                            "Divide each probe part's loss by L_k⁰, its own mean "
                                    + "loss at the starting point over its first 4 batches (the batches the relative penalty's "
                                    + "L₀ uses), so the search minimises Σ_k w_k L_k / L_k⁰: every part enters at its weight w_k "
                                    + "whatever the scale of its loss (InfoNCE on easy pairs ~1e-4 against CoSENT ~5, where with "
                                    + "weights 1 : 1 the search would minimise CoSENT alone). Use it for mixtures of objectives; "
                                    + "the weights then say what share of the objective each part starts with. With penalty "
                                    + "'relative' L₀ becomes Σ_k w_k. The L_k⁰ are reported as result.coefficients.partReferences. "
                                    + "Validation losses are normalised by the same L_k⁰."),
                    new ParamSpec(
                            "granularity",
                            ParamType.STRING,
                            "model",
                            "'model': one (a_1..a_N, λ) for the whole "
                                    + "model (the paper); 'layer': one set per transformer layer (encoder.layer.<k>) and one for "
                                    + "every other tensor (embeddings, pooler), as AdaMerging's layer-wise variant.",
                            null,
                            null,
                            List.of("model", "layer")),
                    new ParamSpec(
                            "validationFraction",
                            ParamType.NUMBER,
                            0.0,
                            "Share of each probe part's pairs held "
                                    + "out (seeded) for early stopping; 0 = off. The validation loss (the objective on the held-out "
                                    + "pairs, no gradients, fixed batches) is measured before the first step, every validateEvery "
                                    + "steps and after the last; the coefficients of the best check are kept.",
                            0.0,
                            MAX_VALIDATION_FRACTION,
                            List.of()),
                    new ParamSpec(
                            "validateEvery",
                            ParamType.INTEGER,
                            10L,
                            "Steps between two validation checks.",
                            1.0,
                            100_000.0,
                            List.of()),
                    new ParamSpec(
                            "patience",
                            ParamType.INTEGER,
                            5L,
                            "Stop after this many validation checks in a row " + "without a lower validation loss.",
                            1.0,
                            100_000.0,
                            List.of()),
                    Params.TEMPERATURE,
                    new ParamSpec(
                            "initWeights",
                            ParamType.NUMBER_LIST,
                            null,
                            "Initial a_1..a_N, one per model (default: the models' weights); every group starts there.",
                            1e-6,
                            100.0,
                            List.of()),
                    new ParamSpec(
                            "initLambda", ParamType.NUMBER, 1.0, "Initial λ (of every group).", 1e-6, 100.0, List.of()),
                    new ParamSpec(
                            "scoreThreshold",
                            ParamType.NUMBER,
                            4.0,
                            "For STS probe data read as InfoNCE pairs: "
                                    + "pairs scoring at least this become (query, positive); a probe part's own scoreThreshold "
                                    + "overrides it. CoSENT parts read every pair with its score.",
                            null,
                            null,
                            List.of())),
            WeightSpec.positiveWeights(),
            List.of(),
            new DataNeeds(DataNeeds.Probe.GLOBAL, DataNeeds.EncoderPass.COEFFICIENT_SEARCH));

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requirePositiveWeights("self_positioning", weights);
        double[] initWeights = params.numbers("initWeights");
        if (initWeights != null && initWeights.length != weights.size()) {
            throw new InvalidMergeRequestException(
                    "method.params.initWeights",
                    "initWeights has " + initWeights.length + " values for " + weights.size() + " models");
        }
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        if (!(setup.precomputed() instanceof LearnedCoefficients learned)) {
            throw new IllegalStateException("self_positioning needs its coefficients searched before the merge");
        }
        Map<String, WeightedSum> sums = new HashMap<>();
        learned.groups().forEach(group -> sums.put(group.name(), new WeightedSum(group.scales())));
        return tensor -> sums.get(learned.groupOf(tensor.name()).name());
    }
}
