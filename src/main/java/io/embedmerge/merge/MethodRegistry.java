package io.embedmerge.merge;

import io.embedmerge.merge.methods.BuiltinMethods;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The merge methods this service offers, and validation of their parameters. */
@Component
public class MethodRegistry {

    private final Map<String, MergeMethod> methods = new LinkedHashMap<>();

    public MethodRegistry() {
        BuiltinMethods.all().forEach(this::register);
    }

    private void register(MergeMethod method) {
        methods.put(method.name(), method);
    }

    public List<MethodDescriptor> descriptors() {
        return methods.values().stream().map(MergeMethod::descriptor).toList();
    }

    public Optional<MergeMethod> find(String name) {
        return Optional.ofNullable(methods.get(name));
    }

    public MergeMethod require(String name) {
        return find(name)
                .orElseThrow(() -> new InvalidMergeRequestException(
                        "method.name",
                        "unknown merge method '" + name + "'; available: " + String.join(", ", methods.keySet())));
    }

    /** Checks names and types of the given parameters and fills in defaults. */
    public MethodParams validate(MergeMethod method, Map<String, Object> given) {
        Map<String, Object> raw = given == null ? Map.of() : given;
        Map<String, ParamSpec> specs = specs(method, ParamScope.METHOD);
        for (String name : raw.keySet()) {
            if (!specs.containsKey(name)) {
                throw new InvalidMergeRequestException(
                        "method.params." + name,
                        "unknown parameter '" + name + "' for method '" + method.name() + "'; known: "
                                + String.join(", ", specs.keySet()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParamSpec spec : specs.values()) {
            Object value = raw.get(spec.name());
            values.put(
                    spec.name(),
                    value == null ? spec.defaultValue() : coerce(spec, value, "method.params." + spec.name()));
        }
        return new MethodParams(values);
    }

    /**
     * Checks the per-model parameters ({@code models[i].params}, null for none): only those the method lets a model
     * set; no defaults are filled in (an absent one takes the method-wide value).
     */
    public List<MethodParams> validateModelParams(MergeMethod method, List<Map<String, Object>> perModel) {
        Map<String, ParamSpec> specs = specs(method, ParamScope.MODEL);
        List<MethodParams> resolved = new ArrayList<>();
        for (int i = 0; i < perModel.size(); i++) {
            Map<String, Object> raw = perModel.get(i) == null ? Map.of() : perModel.get(i);
            Map<String, Object> values = new LinkedHashMap<>();
            for (var e : raw.entrySet()) {
                String field = "models[" + i + "].params." + e.getKey();
                ParamSpec spec = specs.get(e.getKey());
                if (spec == null) {
                    throw new InvalidMergeRequestException(
                            field,
                            "'" + e.getKey() + "' cannot be set per model for method '"
                                    + method.name() + "'; per-model parameters: "
                                    + (specs.isEmpty() ? "none" : String.join(", ", specs.keySet())));
                }
                if (e.getValue() != null) {
                    values.put(e.getKey(), coerce(spec, e.getValue(), field));
                }
            }
            resolved.add(new MethodParams(values));
        }
        return resolved;
    }

    private static Map<String, ParamSpec> specs(MergeMethod method, ParamScope scope) {
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        method.descriptor().params().stream().filter(p -> p.settableIn(scope)).forEach(p -> specs.put(p.name(), p));
        return specs;
    }

    /** Checks the per-model weights against the method's {@link WeightSpec}, then the method's own rules. */
    public void validateWeights(MergeMethod method, MethodParams params, List<Double> weights) {
        validateWeights(
                method,
                params,
                weights.stream().map(w -> new MethodParams(Map.of())).toList(),
                weights);
    }

    /** As {@link #validateWeights(MergeMethod, MethodParams, List)}, with the per-model parameters. */
    public void validateWeights(
            MergeMethod method, MethodParams params, List<MethodParams> perModel, List<Double> weights) {
        method.descriptor().weights().check(method.name(), weights);
        method.validate(params, perModel, weights);
        method.validateLayout(params, weights.size());
    }

    /**
     * A parameter that may vary per tensor: a list of numbers (interpolated across the layers) or a list of
     * {@code {filter, value}} entries whose values are numbers or such lists.
     */
    private static Object tensorSetting(ParamSpec spec, List<?> list, String field) {
        if (list.isEmpty()) {
            throw new InvalidMergeRequestException(
                    field,
                    spec.name() + " must be a number, a non-empty list of numbers "
                            + "(across the layers) or a list of {\"filter\", \"value\"} entries");
        }
        if (!(list.getFirst() instanceof Map)) {
            return coerce(
                    new ParamSpec(
                            spec.name(),
                            ParamType.NUMBER_LIST,
                            null,
                            spec.description(),
                            spec.min(),
                            spec.max(),
                            List.of()),
                    list,
                    field);
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry)
                    || !entry.containsKey("value")
                    || !java.util.Set.of("filter", "value").containsAll(entry.keySet())) {
                throw new InvalidMergeRequestException(
                        at,
                        "each entry must be {\"filter\": \"<part of tensor names>\", "
                                + "\"value\": ...} (filter optional), got " + describe(list.get(i)));
            }
            Object filter = entry.get("filter");
            if (filter != null && !(filter instanceof String)) {
                throw new InvalidMergeRequestException(
                        at + ".filter", "filter must be a string, got " + describe(filter));
            }
            Object value = entry.get("value");
            Map<String, Object> normalised = new LinkedHashMap<>();
            if (filter != null) {
                normalised.put("filter", filter);
            }
            normalised.put(
                    "value",
                    value instanceof List<?> gradient && !gradient.isEmpty() && !(gradient.getFirst() instanceof Map)
                            ? tensorSetting(spec, gradient, at + ".value")
                            : coerce(
                                    new ParamSpec(
                                            spec.name(),
                                            spec.type(),
                                            null,
                                            spec.description(),
                                            spec.min(),
                                            spec.max(),
                                            List.of()),
                                    value,
                                    at + ".value"));
            entries.add(normalised);
        }
        return List.copyOf(entries);
    }

    private static Object coerce(ParamSpec spec, Object value, String field) {
        if (spec.settableIn(ParamScope.TENSOR) && value instanceof List<?> list) {
            return tensorSetting(spec, list, field);
        }
        return switch (spec.type()) {
            case NUMBER -> {
                if (!(value instanceof Number n)) {
                    throw new InvalidMergeRequestException(
                            field, spec.name() + " must be a number, got " + describe(value));
                }
                double d = n.doubleValue();
                if (!Double.isFinite(d)) {
                    throw new InvalidMergeRequestException(field, spec.name() + " must be finite");
                }
                checkRange(spec, field, d);
                yield d;
            }
            case INTEGER -> {
                if (!(value instanceof Integer
                        || value instanceof Long
                        || value instanceof BigInteger
                        || value instanceof BigDecimal bd
                                && bd.stripTrailingZeros().scale() <= 0)) {
                    throw new InvalidMergeRequestException(
                            field, spec.name() + " must be an integer, got " + describe(value));
                }
                long l = ((Number) value).longValue();
                checkRange(spec, field, l);
                yield l;
            }
            case BOOLEAN -> {
                if (!(value instanceof Boolean)) {
                    throw new InvalidMergeRequestException(
                            field, spec.name() + " must be true or false, got " + describe(value));
                }
                yield value;
            }
            case NUMBER_LIST -> {
                if (!(value instanceof List<?> list) || list.isEmpty()) {
                    throw new InvalidMergeRequestException(
                            field, spec.name() + " must be a non-empty array of numbers, got " + describe(value));
                }
                List<Double> numbers = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    if (!(list.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                        throw new InvalidMergeRequestException(
                                field + "[" + i + "]",
                                spec.name() + "[" + i + "] must be a finite number, got " + describe(list.get(i)));
                    }
                    checkRange(spec, field + "[" + i + "]", n.doubleValue());
                    numbers.add(n.doubleValue());
                }
                yield List.copyOf(numbers);
            }
            case LAYER_SLICES -> layerSlices(spec, value, field);
            case STRING -> {
                if (!(value instanceof String s)) {
                    throw new InvalidMergeRequestException(
                            field, spec.name() + " must be a string, got " + describe(value));
                }
                if (!spec.choices().isEmpty() && !spec.choices().contains(s)) {
                    throw new InvalidMergeRequestException(
                            field, spec.name() + " must be one of " + spec.choices() + ", got '" + s + "'");
                }
                yield s;
            }
        };
    }

    /**
     * A non-empty list of slices, each {@code {"model": <index> | "base", "layers": [start, end]}} (0 <= start < end)
     * or {@code {"sources": [such entries]}} whose layer ranges have one length.
     */
    private static List<Map<String, Object>> layerSlices(ParamSpec spec, Object value, String field) {
        String form = "{\"model\": <index into models, or \"base\">, \"layers\": [start, end]} or {\"sources\": "
                + "[{\"model\": ..., \"layers\": [start, end]}, ...]}";
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidMergeRequestException(
                    field, spec.name() + " must be a non-empty array of " + form + ", got " + describe(value));
        }
        List<Map<String, Object>> slices = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            if (list.get(i) instanceof Map<?, ?> entry
                    && java.util.Set.of("sources").equals(entry.keySet())) {
                if (!(entry.get("sources") instanceof List<?> sources) || sources.isEmpty()) {
                    throw new InvalidMergeRequestException(
                            at + ".sources",
                            "sources must be a non-empty array of "
                                    + "{\"model\": <index into models, or \"base\">, \"layers\": [start, end]}, got "
                                    + describe(entry.get("sources")));
                }
                List<Map<String, Object>> normalised = new ArrayList<>();
                for (int k = 0; k < sources.size(); k++) {
                    Map<String, Object> source = layerSource(sources.get(k), at + ".sources[" + k + "]", form);
                    long length = length(source);
                    if (!normalised.isEmpty() && length != length(normalised.getFirst())) {
                        throw new InvalidMergeRequestException(
                                at + ".sources[" + k + "].layers",
                                "every source of a "
                                        + "slice needs the same number of layers (merged layer by layer): "
                                        + length(normalised.getFirst()) + " in sources[0], " + length + " here");
                    }
                    normalised.add(source);
                }
                slices.add(Map.of("sources", List.copyOf(normalised)));
            } else {
                slices.add(layerSource(list.get(i), at, form));
            }
        }
        return List.copyOf(slices);
    }

    private static long length(Map<String, Object> source) {
        List<?> layers = (List<?>) source.get("layers");
        return ((Number) layers.get(1)).longValue() - ((Number) layers.get(0)).longValue();
    }

    /** One layer range {@code {"model": <index> | "base", "layers": [start, end]}}, normalised. */
    private static Map<String, Object> layerSource(Object value, String at, String form) {
        if (!(value instanceof Map<?, ?> entry)
                || !java.util.Set.of("model", "layers").equals(entry.keySet())) {
            throw new InvalidMergeRequestException(at, "each slice must be " + form + ", got " + describe(value));
        }
        Object model = entry.get("model");
        Object normalisedModel;
        if ("base".equals(model)) {
            normalisedModel = "base";
        } else if (isInteger(model) && ((Number) model).longValue() >= 0) {
            normalisedModel = ((Number) model).longValue();
        } else {
            throw new InvalidMergeRequestException(
                    at + ".model",
                    "model must be an index into models (0, 1, ...) " + "or \"base\", got " + describe(model));
        }
        if (!(entry.get("layers") instanceof List<?> layers)
                || layers.size() != 2
                || !isInteger(layers.get(0))
                || !isInteger(layers.get(1))) {
            throw new InvalidMergeRequestException(
                    at + ".layers",
                    "layers must be [start, end] (integers, end " + "exclusive), got " + describe(entry.get("layers")));
        }
        long start = ((Number) layers.get(0)).longValue();
        long end = ((Number) layers.get(1)).longValue();
        if (start < 0 || end <= start || end > 100_000) {
            throw new InvalidMergeRequestException(
                    at + ".layers",
                    "layers must be [start, end] with 0 <= start < end, " + "got [" + start + ", " + end + "]");
        }
        Map<String, Object> slice = new LinkedHashMap<>();
        slice.put("model", normalisedModel);
        slice.put("layers", List.of(start, end));
        return java.util.Collections.unmodifiableMap(slice);
    }

    private static boolean isInteger(Object value) {
        return value instanceof Integer
                || value instanceof Long
                || value instanceof BigInteger
                || value instanceof BigDecimal bd && bd.stripTrailingZeros().scale() <= 0;
    }

    private static void checkRange(ParamSpec spec, String field, double value) {
        if (spec.min() != null && value < spec.min() || spec.max() != null && value > spec.max()) {
            throw new InvalidMergeRequestException(
                    field, spec.name() + " must be within [" + spec.min() + ", " + spec.max() + "], got " + value);
        }
    }

    private static String describe(Object value) {
        return value instanceof String s ? "the string \"" + s + "\"" : String.valueOf(value);
    }
}
