package io.embedmerge.positioning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One part of a probe mixture, ready for the encoder: its pairs, the objective of its loss L_k and its weight w_k
 * in Σ w_k L_k.
 */
public record WeightedProbe(String label, ContrastiveTrainer.Objective objective, double weight, List<TextPair> pairs) {

    public WeightedProbe {
        pairs = List.copyOf(pairs);
    }

    /** A plain probe: InfoNCE, weight 1. */
    public static WeightedProbe infonce(String label, List<TextPair> pairs) {
        return new WeightedProbe(label, ContrastiveTrainer.Objective.INFONCE, 1.0, pairs);
    }

    /** The first {@code count} pairs of a shuffle by {@code new Random(seed)} (all of them, shuffled, for more). */
    public WeightedProbe sample(int count, long seed) {
        List<TextPair> order = new ArrayList<>(pairs);
        Collections.shuffle(order, new Random(seed));
        return withPairs(order.subList(0, Math.min(count, order.size())));
    }

    /**
     * Holds out the first ⌈fraction·n⌉ pairs (in the current order, so shuffle first) for validation; the rest
     * trains. Fails naming the part when either side would be empty.
     */
    public Split split(double fraction) {
        int held = (int) Math.ceil(fraction * pairs.size());
        if (held < 1 || held >= pairs.size()) {
            throw new IllegalArgumentException(label + ": " + pairs.size() + " pair(s) cannot be split into training "
                    + "and validation pairs with validationFraction " + fraction);
        }
        return new Split(withPairs(pairs.subList(held, pairs.size())), withPairs(pairs.subList(0, held)));
    }

    public WeightedProbe withPairs(List<TextPair> subset) {
        return new WeightedProbe(label, objective, weight, subset);
    }

    /** A part's training and held-out validation pairs. */
    public record Split(WeightedProbe training, WeightedProbe validation) {}
}
