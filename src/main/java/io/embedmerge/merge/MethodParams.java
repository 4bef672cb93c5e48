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

    public String string(String name) {
        return (String) values.get(name);
    }
}
