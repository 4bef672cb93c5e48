package io.embedmerge.merge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A method's parameters after validation, with defaults filled in. */
public record MethodParams(Map<String, Object> values) {

    public MethodParams {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public double number(String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    public boolean bool(String name) {
        return (Boolean) values.get(name);
    }

    /** A {@link ParamType#NUMBER_LIST} value, or null when not given and without default. */
    public double[] numbers(String name) {
        Object value = values.get(name);
        return value == null ? null : ((List<?>) value).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    /** A {@link ParamType#LAYER_SLICES} value, or null when not given. */
    public List<LayerSlice> slices(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        return ((List<?>) value).stream().map(v -> {
            Map<?, ?> slice = (Map<?, ?>) v;
            List<?> layers = (List<?>) slice.get("layers");
            Object model = slice.get("model");
            return new LayerSlice(model instanceof Number n ? n.intValue() : LayerSlice.BASE,
                    ((Number) layers.get(0)).intValue(), ((Number) layers.get(1)).intValue());
        }).toList();
    }

    /** Layers {@code start <= k < end} of models[model] ({@link #BASE} for the base). */
    public record LayerSlice(int model, int start, int end) {
        public static final int BASE = -1;
    }

    public String string(String name) {
        return (String) values.get(name);
    }
}
