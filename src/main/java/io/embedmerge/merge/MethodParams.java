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
        return value == null
                ? null
                : ((List<?>) value)
                        .stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    /**
     * A {@link ParamType#LAYER_SLICES} value whose slices have one source each, or null when not given; a slice with
     * several sources is an error here (see {@link #sliceSources(String)}).
     */
    public List<LayerSlice> slices(String name) {
        List<List<LayerSlice>> slices = sliceSources(name);
        if (slices == null) {
            return null;
        }
        return slices.stream()
                .map(sources -> {
                    if (sources.size() != 1) {
                        throw new IllegalStateException("a slice of " + name + " has " + sources.size() + " sources");
                    }
                    return sources.getFirst();
                })
                .toList();
    }

    /** A {@link ParamType#LAYER_SLICES} value as each slice's sources, or null when not given. */
    public List<List<LayerSlice>> sliceSources(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        return ((List<?>) value)
                .stream()
                        .map(v -> {
                            Map<?, ?> slice = (Map<?, ?>) v;
                            return slice.containsKey("sources")
                                    ? ((List<?>) slice.get("sources"))
                                            .stream()
                                                    .map(s -> source((Map<?, ?>) s))
                                                    .toList()
                                    : List.of(source(slice));
                        })
                        .toList();
    }

    private static LayerSlice source(Map<?, ?> source) {
        List<?> layers = (List<?>) source.get("layers");
        Object model = source.get("model");
        return new LayerSlice(
                model instanceof Number n ? n.intValue() : LayerSlice.BASE,
                ((Number) layers.get(0)).intValue(),
                ((Number) layers.get(1)).intValue());
    }

    /** Layers {@code start <= k < end} of models[model] ({@link #BASE} for the base). */
    public record LayerSlice(int model, int start, int end) {
        public static final int BASE = -1;

        public int length() {
            return end - start;
        }
    }

    public String string(String name) {
        return (String) values.get(name);
    }
}
