package io.embedmerge.merge;

/**
 * What a method accepts as per-model weights ({@code models[i].weight}), as listed by {@code GET /v1/methods}.
 * The bounds keep every scale the merge derives from the weights and λ far from float32 overflow.
 *
 * @param min      inclusive lower bound of each weight
 * @param max      inclusive upper bound of each weight
 * @param positive each weight must be above zero (not only at least {@code min})
 * @param rule     further conditions on the weights together, or null
 */
public record WeightSpec(double min, double max, boolean positive, String rule) {

    public static final double MAX_ABS_WEIGHT = 1e3;

    /** Any finite weight in [−1000, 1000]. */
    public static WeightSpec signed(String rule) {
        return new WeightSpec(-MAX_ABS_WEIGHT, MAX_ABS_WEIGHT, false, rule);
    }

    /** Weights in (0, 1000]. */
    public static WeightSpec positiveWeights() {
        return new WeightSpec(0, MAX_ABS_WEIGHT, true, null);
    }

    /** Methods without per-model weights: the rule says so, and the method refuses any weight but 1. */
    public static WeightSpec unused() {
        return new WeightSpec(
                0, MAX_ABS_WEIGHT, true, "the method takes no per-model weights: leave weight out (or 1)");
    }

    /** Checks each weight against the bounds; the exception names {@code models[i].weight}. */
    void check(String method, java.util.List<Double> weights) {
        for (int i = 0; i < weights.size(); i++) {
            double w = weights.get(i);
            if (!Double.isFinite(w) || w < min || w > max || positive && !(w > 0)) {
                throw new InvalidMergeRequestException(
                        "models[" + i + "].weight",
                        method + " needs each per-model weight " + "within " + (positive ? "(" : "[") + min + ", " + max
                                + "], got " + w);
            }
        }
    }
}
