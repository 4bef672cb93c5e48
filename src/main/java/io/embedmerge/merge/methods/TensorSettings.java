package io.embedmerge.merge.methods;

import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.MethodParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The value of a parameter for one tensor: a number; a list of numbers interpolated linearly at the tensor's layer
 * position t (the first value at the first layer, the last at the last); or a list of {filter, value} entries, the
 * first whose filter is part of the tensor name (or that has none) giving the value. No match gives the fallback.
 * Per model, {@code models[i].params} overrides {@code method.params}.
 */
final class TensorSettings {

    private TensorSettings() {}

    static double evaluate(Object raw, String tensorName, double t, double fallback) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof Number) {
            double scaled = t * (list.size() - 1);
            int low = (int) Math.floor(scaled);
            int high = Math.min(list.size() - 1, low + 1);
            double fraction = scaled - low;
            double a = ((Number) list.get(low)).doubleValue();
            double b = ((Number) list.get(high)).doubleValue();
            return fraction == 0 ? a : (1 - fraction) * a + fraction * b;
        }
        if (raw instanceof List<?> list) {
            for (Object e : list) {
                Map<?, ?> entry = (Map<?, ?>) e;
                Object filter = entry.get("filter");
                if (filter == null || tensorName.contains((String) filter)) {
                    return evaluate(entry.get("value"), tensorName, t, fallback);
                }
            }
        }
        return fallback;
    }

    /** Whether the value can differ between tensors. */
    static boolean varies(Object raw) {
        return raw instanceof List<?>;
    }

    /**
     * The value model i gives a parameter: its own ({@code models[i].params}), else the method-wide one, else the
     * fallback. The per-model {@code weight} has no method-wide value: its fallback is {@code models[i].weight}.
     */
    static Object raw(MethodParams p, List<MethodParams> perModel, int i, String name, Object fallback) {
        Object own = perModel.isEmpty() ? null : perModel.get(i).values().get(name);
        if (own != null) {
            return own;
        }
        Object global = name.equals("weight") ? null : p.values().get(name);
        return global != null ? global : fallback;
    }

    /** Each model's value of a parameter at one tensor ({@link #raw}, evaluated). */
    static double[] perModel(
            MethodParams p, List<MethodParams> perModel, int n, String name, double fallback, String tensor, double t) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = evaluate(raw(p, perModel, i, name, fallback), tensor, t, fallback);
        }
        return values;
    }

    /** The per-model weights at one tensor: {@code models[i].params.weight}, else {@code models[i].weight}. */
    static double[] weights(
            MethodParams p, List<MethodParams> perModel, List<Double> weights, String tensor, double t) {
        double[] w = new double[weights.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = evaluate(raw(p, perModel, i, "weight", weights.get(i)), tensor, t, weights.get(i));
        }
        return w;
    }

    /** Every number a setting can give (interpolation stays between them). */
    static List<Double> numbers(Object raw) {
        List<Double> numbers = new ArrayList<>();
        collect(raw, numbers);
        return numbers;
    }

    private static void collect(Object raw, List<Double> into) {
        if (raw instanceof Number n) {
            into.add(n.doubleValue());
        } else if (raw instanceof List<?> list) {
            list.forEach(e -> collect(e instanceof Map<?, ?> entry ? entry.get("value") : e, into));
        }
    }

    /**
     * Refuses per-model weights that are not above zero, wherever given ({@code models[i].params.weight} in any
     * form); {@code models[i].weight} itself is checked against the method's weight spec.
     */
    static void requirePositiveWeights(String method, List<MethodParams> perModel) {
        for (int i = 0; i < perModel.size(); i++) {
            for (double w : numbers(perModel.get(i).values().get("weight"))) {
                if (!(w > 0)) {
                    throw new InvalidMergeRequestException(
                            "models[" + i + "].params.weight", method + " needs positive per-model weights, got " + w);
                }
            }
        }
    }

    /** Refuses a value that varies per tensor where the method needs one value for the whole model. */
    static void requireConstant(String name, MethodParams p, List<MethodParams> perModel, String why) {
        if (varies(p.values().get(name))) {
            throw new InvalidMergeRequestException("method.params." + name, name + " varies per tensor, " + why);
        }
        for (int i = 0; i < perModel.size(); i++) {
            if (varies(perModel.get(i).values().get(name))) {
                throw new InvalidMergeRequestException(
                        "models[" + i + "].params." + name, name + " varies per tensor, " + why);
            }
        }
    }
}
