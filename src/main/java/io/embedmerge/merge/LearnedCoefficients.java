package io.embedmerge.merge;

import java.util.List;
import java.util.Locale;

/**
 * Coefficients found before the merge (by Self-Positioning): the tensors of group g get V_m = λ_g Σ c_{g,i} V_i.
 * Granularity {@code model} has one group for every tensor; {@code layer} one per transformer layer
 * ({@code encoder.layer.<k>}) and one, {@code other}, for every tensor outside the layers (embeddings, pooler).
 */
public record LearnedCoefficients(Granularity granularity, List<Group> groups) implements Precomputed {

    public LearnedCoefficients {
        groups = List.copyOf(groups);
    }

    /** One group for the whole model. */
    public LearnedCoefficients(double[] c, double lambda) {
        this(Granularity.MODEL, List.of(new Group(Granularity.MODEL_GROUP, c, lambda)));
    }

    /** How tensors are grouped, each group with its own (a, λ). */
    public enum Granularity {
        MODEL,
        LAYER;

        public static final String MODEL_GROUP = "model";
        public static final String OTHER_GROUP = "other";

        public static Granularity of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        /** The group of a tensor, by its name. */
        public String groupOf(String tensorName) {
            if (this == MODEL) {
                return MODEL_GROUP;
            }
            int layer = LayerNames.layer(tensorName);
            return layer < 0 ? OTHER_GROUP : "encoder.layer." + layer;
        }
    }

    /** The coefficients c_i of U_N and the scale λ of one group. */
    public record Group(String name, double[] c, double lambda) {

        /** λ·c_i, the per-model scales of the group's tensors. */
        public double[] scales() {
            double[] scales = c.clone();
            for (int i = 0; i < scales.length; i++) {
                scales[i] *= lambda;
            }
            return scales;
        }
    }

    /** The group whose coefficients a tensor takes. */
    public Group groupOf(String tensorName) {
        String name = granularity.groupOf(tensorName);
        return groups.stream()
                .filter(g -> g.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("self_positioning learned no coefficients for group '"
                        + name + "' of tensor '" + tensorName + "'"));
    }
}
