package io.embedmerge.merge.methods;

import java.util.List;
import java.util.Map;

/**
 * The value of a parameter for one tensor: a number; a list of numbers interpolated linearly at the tensor's layer
 * position t (the first value at the first layer, the last at the last); or a list of {filter, value} entries, the
 * first whose filter is part of the tensor name (or that has none) giving the value. No match gives the fallback.
 */
final class TensorSettings {

    private TensorSettings() {
    }

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
}
