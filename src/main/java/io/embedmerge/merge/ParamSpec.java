package io.embedmerge.merge;

import java.util.List;

/**
 * One parameter of a merge method as listed by {@code GET /v1/methods}.
 *
 * @param min     inclusive lower bound for numbers, or null
 * @param max     inclusive upper bound for numbers, or null
 * @param choices allowed values for strings, empty when free
 */
public record ParamSpec(String name, ParamType type, Object defaultValue, String description,
                        Double min, Double max, List<String> choices) {

    public ParamSpec {
        choices = List.copyOf(choices);
    }

    public static ParamSpec number(String name, double defaultValue, String description) {
        return new ParamSpec(name, ParamType.NUMBER, defaultValue, description, null, null, List.of());
    }

    public static ParamSpec bool(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, ParamType.BOOLEAN, defaultValue, description, null, null, List.of());
    }
}
