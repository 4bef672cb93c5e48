package io.embedmerge.merge.methods;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.ParamScope;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.SliceLayout;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.methods.TaskArithmeticFamily.Recipe;
import io.embedmerge.merge.methods.TaskArithmeticFamily.Sparsification;
import java.util.ArrayList;
import java.util.List;

/** The members of the task-arithmetic family: a recipe (sparsification, consensus) and their parameters each. */
final class FamilyMembers {

    private static final ParamSpec DARE_DENSITY = Params.density(
            0.5,
            "Share of entries kept (each is dropped with probability 1 − density; survivors are scaled by 1/density).");
    private static final ParamSpec RESCALE = new ParamSpec(
            "rescale",
            ParamType.STRING,
            "none",
            "'norm' (the paper's variant) scales τ̂ by ‖τ_avg‖/‖τ̂‖ at the granularity level.",
            null,
            null,
            List.of("none", "norm"));
    private static final ParamSpec GAMMA = new ParamSpec(
            "gamma",
            ParamType.NUMBER,
            0.01,
            "Share γ of the largest magnitudes dropped as outliers (⌊γ·n⌋ entries) before the next ⌈ρ·n⌉ are kept.",
            0.0,
            1.0,
            List.of());
    private static final ParamSpec BAND_DENSITY =
            Params.density(0.9, "Share ρ of each task vector kept below the dropped outliers (k = ⌈ρ·n⌉).");
    private static final ParamSpec DELLA_DENSITY = Params.density(
            0.5, "Mean survival probability ρ of an entry (survivors are divided by their own probability).");
    private static final ParamSpec EPSILON = new ParamSpec(
            "epsilon",
            ParamType.NUMBER,
            0.15,
            "Spread ε of the survival probabilities: from ρ−ε (smallest magnitude of a row) to ρ+ε (largest); "
                    + "needs ε < ρ and ρ+ε ≤ 1.",
            0.0,
            0.5,
            List.of());

    private static final ParamSpec WEIGHT = Params.modelWeight(false);

    private FamilyMembers() {}

    private static MergeMethod member(
            String name,
            String description,
            String url,
            List<ParamSpec> params,
            WeightSpec weights,
            List<String> passes,
            Recipe recipe) {
        return new TaskArithmeticFamily(
                new MethodDescriptor(name, description, url, params, weights, passes, DataNeeds.NONE), recipe);
    }

    /**
     * The member's parameters plus the per-model weight and mergekit's slices; density, gamma and epsilon may be set
     * per model and tensor, lambda per tensor (mergekit evaluates its global parameters per tensor too).
     */
    private static List<ParamSpec> params(ParamSpec... specs) {
        List<ParamSpec> all = new ArrayList<>();
        for (ParamSpec spec : specs) {
            all.add(
                    List.of("density", "gamma", "epsilon").contains(spec.name())
                            ? spec.alsoIn(ParamScope.MODEL, ParamScope.TENSOR)
                            : spec.name().equals("lambda") ? spec.alsoIn(ParamScope.TENSOR) : spec);
        }
        all.add(WEIGHT);
        all.add(SliceLayout.PARAM);
        return all;
    }

    static MergeMethod linear() {
        return member(
                "linear",
                "Weighted average of the task vectors (the paper's Average Merging): θ0 + λ·Σ w_i V_i / Σ w_i.",
                "https://arxiv.org/abs/2203.05482",
                params(Params.LAMBDA, Params.normalize(true)),
                WeightSpec.signed(Params.POSITIVE_SUM),
                List.of(),
                new Recipe(Sparsification.NONE, false));
    }

    static MergeMethod taskArithmetic() {
        return member(
                "task_arithmetic",
                "Task arithmetic: θ0 + λ·Σ w_i V_i (set normalize=true to divide by Σ w_i).",
                "https://arxiv.org/abs/2212.04089",
                params(Params.LAMBDA, Params.normalize(false)),
                WeightSpec.signed(Params.POSITIVE_SUM),
                List.of(),
                new Recipe(Sparsification.NONE, false));
    }

    static MergeMethod ties() {
        return member(
                "ties",
                "TIES: keep the top-ρ magnitudes of each task vector, elect a sign per entry, average the agreeing entries "
                        + "(ties at the threshold are kept; entries where the votes sum to 0 take sign +).",
                "https://arxiv.org/abs/2306.01708",
                params(
                        Params.density(0.2, "Share ρ of each task vector kept by the trim (k = ⌈ρ·n⌉)."),
                        Params.LAMBDA,
                        Params.SIGN_METHOD,
                        Params.normalize(true),
                        Params.GRANULARITY,
                        RESCALE),
                WeightSpec.signed(null),
                List.of("ties-threshold", "ties-norm"),
                new Recipe(Sparsification.MAGNITUDE, true));
    }

    static MergeMethod dareLinear() {
        return member(
                "dare_linear",
                "DARE drop-and-rescale of each task vector, then linear: θ0 + λ·Σ w_i V'_i / Σ w_i. Seeded by the job's seed.",
                "https://arxiv.org/abs/2311.03099",
                params(DARE_DENSITY, Params.LAMBDA, Params.normalize(true)),
                WeightSpec.signed(Params.POSITIVE_SUM),
                List.of(),
                new Recipe(Sparsification.RANDOM, false));
    }

    static MergeMethod dareTies() {
        return member(
                "dare_ties",
                "DARE drop-and-rescale of each task vector, then TIES sign election and disjoint merge (no trim). "
                        + "Seeded by the job's seed.",
                "https://arxiv.org/abs/2311.03099",
                params(DARE_DENSITY, Params.LAMBDA, Params.SIGN_METHOD, Params.normalize(true)),
                WeightSpec.signed(null),
                List.of(),
                new Recipe(Sparsification.RANDOM, true));
    }

    static MergeMethod breadcrumbs() {
        return member(
                "breadcrumbs",
                "Model Breadcrumbs: drop the largest ⌊γ·n⌋ magnitudes of each task vector as outliers and keep the next "
                        + "⌈ρ·n⌉, then task arithmetic: θ0 + λ·Σ w_i τ'_i (normalize divides by Σ w_i).",
                "https://arxiv.org/abs/2312.06795",
                params(BAND_DENSITY, GAMMA, Params.LAMBDA, Params.normalize(false), Params.GRANULARITY),
                WeightSpec.signed(Params.POSITIVE_SUM),
                List.of("breadcrumbs-threshold"),
                new Recipe(Sparsification.MAGNITUDE_BAND, false));
    }

    static MergeMethod breadcrumbsTies() {
        return member(
                "breadcrumbs_ties",
                "Model Breadcrumbs with TIES sign election and disjoint merge of the kept band of magnitudes "
                        + "(γ = 0 is TIES).",
                "https://arxiv.org/abs/2312.06795",
                params(
                        BAND_DENSITY,
                        GAMMA,
                        Params.LAMBDA,
                        Params.SIGN_METHOD,
                        Params.normalize(false),
                        Params.GRANULARITY),
                WeightSpec.signed(null),
                List.of("breadcrumbs_ties-threshold"),
                new Recipe(Sparsification.MAGNITUDE_BAND, true));
    }

    static MergeMethod della() {
        return member(
                "della",
                "DELLA: MagPrune drops each entry with a probability ranked by its magnitude within its row (survival "
                        + "ρ−ε … ρ+ε), survivors divided by their survival probability, then TIES sign election and "
                        + "disjoint merge. Seeded by the job's seed.",
                "https://arxiv.org/abs/2406.11617",
                params(DELLA_DENSITY, EPSILON, Params.LAMBDA, Params.SIGN_METHOD, Params.normalize(true)),
                WeightSpec.signed(null),
                List.of(),
                new Recipe(Sparsification.RANKED_RANDOM, true));
    }

    static MergeMethod dellaLinear() {
        return member(
                "della_linear",
                "DELLA's MagPrune (see della), then task arithmetic: θ0 + λ·Σ w_i τ'_i (normalize divides by Σ w_i). "
                        + "Seeded by the job's seed.",
                "https://arxiv.org/abs/2406.11617",
                params(DELLA_DENSITY, EPSILON, Params.LAMBDA, Params.normalize(false)),
                WeightSpec.signed(Params.POSITIVE_SUM),
                List.of(),
                new Recipe(Sparsification.RANKED_RANDOM, false));
    }
}
