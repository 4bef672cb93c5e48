package io.embedmerge.positioning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Mixes training datasets into one run by per-dataset weights. How many examples dataset i contributes:
 * <ul>
 *   <li>{@link Resample#NONE}: w_i·|D_i| (weight 1 keeps a dataset as it is);</li>
 *   <li>{@link Resample#TOTAL_LENGTH}: the total Σ|D_j| kept, shared by the ratios: Σ|D_j|·w_i/Σw_j;</li>
 *   <li>{@link Resample#MAX_LENGTH}: every dataset resized to the largest one's length times its ratio: w_i·max|D_j|.</li>
 * </ul>
 * A dataset is drawn whole as often as the count allows, each time in a fresh seeded order, and the remainder
 * without replacement, so down-sampling never repeats an example and up-sampling repeats every example evenly.
 */
public final class DataMix {

    public enum Resample {
        NONE,
        TOTAL_LENGTH,
        MAX_LENGTH
    }

    private DataMix() {}

    public static int[] counts(List<List<TextPair>> datasets, double[] weights, Resample resample) {
        long total = datasets.stream().mapToLong(List::size).sum();
        long max = datasets.stream().mapToLong(List::size).max().orElse(0);
        double weightSum = 0;
        for (double w : weights) {
            weightSum += w;
        }
        int[] counts = new int[datasets.size()];
        for (int i = 0; i < counts.length; i++) {
            double count = switch (resample) {
                case NONE -> weights[i] * datasets.get(i).size();
                case TOTAL_LENGTH -> total * weights[i] / weightSum;
                case MAX_LENGTH -> weights[i] * max;
            };
            counts[i] = datasets.get(i).isEmpty() ? 0 : Math.toIntExact(Math.round(count));
        }
        return counts;
    }

    /** The mixture as one list: every dataset's draw, in dataset order. */
    public static List<TextPair> mix(List<List<TextPair>> datasets, double[] weights, Resample resample, long seed) {
        List<TextPair> mixture = new ArrayList<>();
        draw(datasets, weights, resample, seed).forEach(mixture::addAll);
        return mixture;
    }

    /** Each dataset's draw (counts[i] examples of dataset i), kept apart for batches drawn from one dataset. */
    public static List<List<TextPair>> draw(
            List<List<TextPair>> datasets, double[] weights, Resample resample, long seed) {
        Random random = new Random(seed);
        int[] counts = counts(datasets, weights, resample);
        List<List<TextPair>> drawn = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            List<TextPair> pool = new ArrayList<>(datasets.get(i));
            List<TextPair> part = new ArrayList<>(counts[i]);
            int remaining = counts[i];
            while (remaining > 0) {
                Collections.shuffle(pool, random);
                int take = Math.min(remaining, pool.size());
                part.addAll(pool.subList(0, take));
                remaining -= take;
            }
            drawn.add(part);
        }
        return drawn;
    }
}
