package io.embedmerge.merge;

import java.util.List;

/**
 * One parameter of a merge method as listed by {@code GET /v1/methods}.
 *
 * @param min     inclusive lower bound for numbers, or null
 * @param max     inclusive upper bound for numbers, or null
 * @param choices allowed values for strings, empty when free
 * @param scopes  where the parameter may be set
 */
public record ParamSpec(
        String name,
        ParamType type,
        Object defaultValue,
        String description,
        Double min,
        Double max,
        List<String> choices,
        List<ParamScope> scopes) {

    public ParamSpec {
        choices = List.copyOf(choices);
        scopes = List.copyOf(scopes);
    }

    /** A method-wide parameter. */
    public ParamSpec(
            String name,
            ParamType type,
            Object defaultValue,
            String description,
            Double min,
            Double max,
            List<String> choices) {
        this(name, type, defaultValue, description, min, max, choices, List.of(ParamScope.METHOD));
    }

    /** The same parameter, settable also where {@code scopes} say. */
    public ParamSpec alsoIn(ParamScope... more) {
        List<ParamScope> all = new java.util.ArrayList<>(scopes);
        all.addAll(List.of(more));
        return new ParamSpec(name, type, defaultValue, description, min, max, choices, all);
    }

    public boolean settableIn(ParamScope scope) {
        return scopes.contains(scope);
    }

    public static ParamSpec number(String name, double defaultValue, String description) {
        return new ParamSpec(name, ParamType.NUMBER, defaultValue, description, null, null, List.of());
    }

    public static ParamSpec bool(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, ParamType.BOOLEAN, defaultValue, description, null, null, List.of());
    }
}
