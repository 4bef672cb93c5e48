package io.embedmerge.merge.methods;

import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.ParamScope;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.WeightSpec;
import java.util.List;

/** Parameter specs shared by several methods, and checks on the per-model weights. */
final class Params {

    /** |λ| and |w_i| at most 1e3 keep λ·w_i (and λ·w_i/Σw) within float32 for any finite task vector sum. */
    static final double MAX_LAMBDA = 1e3;

    static final ParamSpec LAMBDA = new ParamSpec(
            "lambda",
            ParamType.NUMBER,
            1.0,
            "Scale λ applied to the merged task vector.",
            -MAX_LAMBDA,
            MAX_LAMBDA,
            List.of());
    static final String POSITIVE_SUM = "with normalize=true the weights must sum to more than zero";
    static final ParamSpec GRANULARITY = new ParamSpec(
            "granularity",
            ParamType.STRING,
            "model",
            "'model': statistics over all merged tensors as one vector (the paper); 'tensor': each tensor on its own (mergekit).",
            null,
            null,
            List.of("model", "tensor"));

    static final ParamSpec SIGN_METHOD = new ParamSpec(
            "signMethod",
            ParamType.STRING,
            "sum",
            "Sign election: 'sum' = sign of Σ w_i τ'_i; 'count' = majority of the signs.",
            null,
            null,
            List.of("sum", "count"));

    static final ParamSpec TEMPERATURE =
            new ParamSpec("temperature", ParamType.NUMBER, 0.05, "InfoNCE temperature τ.", 1e-4, 10.0, List.of());
    static final ParamSpec SCORE_THRESHOLD = new ParamSpec(
            "scoreThreshold",
            ParamType.NUMBER,
            4.0,
            "For STS probe data: pairs scoring at least this become (query, positive).",
            null,
            null,
            List.of());

    private Params() {}

    /**
     * The per-model weight in {@code models[i].params} (instead of {@code models[i].weight}), for a value that varies
     * per tensor (mergekit's per-model {@code weight}).
     *
     * @param positive the method needs weights above zero (checked by the method; the spec's min is then 0)
     */
    static ParamSpec modelWeight(boolean positive) {
        return new ParamSpec(
                "weight",
                ParamType.NUMBER,
                null,
                "Per-model weight w_i (instead of models[i].weight), " + "for a value that varies per tensor"
                        + (positive ? "; above zero." : "."),
                positive ? 0.0 : -WeightSpec.MAX_ABS_WEIGHT,
                WeightSpec.MAX_ABS_WEIGHT,
                List.of(),
                List.of(ParamScope.MODEL, ParamScope.TENSOR));
    }

    /** λ, which may vary per tensor. */
    static final ParamSpec TENSOR_LAMBDA = LAMBDA.alsoIn(ParamScope.TENSOR);

    static ParamSpec normalize(boolean defaultValue) {
        return ParamSpec.bool(
                "normalize", defaultValue, "Divide the weighted sum by the sum of the per-model weights.");
    }

    static ParamSpec density(double defaultValue, String description) {
        return new ParamSpec("density", ParamType.NUMBER, defaultValue, description, 1e-9, 1.0, List.of());
    }

    /** Σ w_i, refusing zero and below (dividing by it would be undefined or flip every task vector). */
    static double weightSum(List<Double> weights) {
        double sum = weights.stream().mapToDouble(Double::doubleValue).sum();
        if (sum == 0.0) {
            throw new InvalidMergeRequestException(
                    "models[].weight", "the per-model weights sum to zero, so normalize=true cannot divide by them");
        }
        if (!(sum > 0)) {
            throw new InvalidMergeRequestException(
                    "models[].weight", "the per-model weights sum to " + sum + "; normalize=true needs a positive sum");
        }
        return sum;
    }

    static void requirePositiveWeights(String method, List<Double> weights) {
        for (int i = 0; i < weights.size(); i++) {
            if (!(weights.get(i) > 0)) {
                throw new InvalidMergeRequestException(
                        "models[" + i + "].weight",
                        method + " needs positive per-model weights, got " + weights.get(i));
            }
        }
    }

    /** Methods that take no per-model weights refuse any other than the default 1, rather than ignore them. */
    static void requireUnitWeights(String method, List<Double> weights) {
        for (int i = 0; i < weights.size(); i++) {
            if (weights.get(i) != 1.0) {
                throw new InvalidMergeRequestException(
                        "models[" + i + "].weight",
                        method + " takes no per-model weights; leave weight out (or 1), got " + weights.get(i));
            }
        }
    }

    static void requireModelCount(String method, List<Double> weights, int min, int max) {
        if (weights.size() < min || weights.size() > max) {
            throw new InvalidMergeRequestException(
                    "models",
                    method + " needs "
                            + (min == max
                                    ? "exactly " + min
                                    : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max)
                            + " model(s) besides the base, got "
                            + weights.size());
        }
    }
}
