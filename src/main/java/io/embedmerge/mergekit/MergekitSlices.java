package io.embedmerge.mergekit;

import static io.embedmerge.mergekit.MergekitConfigReader.refuse;
import static io.embedmerge.mergekit.MergekitConfigReader.string;

import io.embedmerge.job.ModelInput;
import io.embedmerge.merge.MergeMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * mergekit's {@code slices} read into the {@code slices} parameter. For passthrough, one source per slice (layer
 * stacking; a single slice without layer_range copies its model). For merging methods, several sources per slice
 * merged layer by layer: each slice names the base_model and the same models (a job merges the base and every model
 * for each output tensor), with layer ranges of one length. A model's {@code parameters} must be the same in every
 * slice (a job has one set per model), and so must the slices' own {@code parameters} (they then override the
 * top-level ones, as in mergekit).
 */
final class MergekitSlices {

    /**
     * @param base       the base (the base_model, or the first source where mergekit needs none)
     * @param slices     the {@code slices} parameter, or null (a passthrough copy of one model)
     * @param parameters the slices' own parameters (the same in every slice), empty when none
     */
    record Read(String base, List<ModelInput> models, List<Map<String, Object>> slices, Map<?, ?> parameters) {}

    private MergekitSlices() {}

    /** passthrough: the slices' models (distinct, in order of appearance), each slice a layer range of one of them. */
    static Read stacked(Object raw, String base, MergeMethod method) {
        List<?> slices = list(raw);
        Models models = new Models(method);
        List<Map<String, Object>> layerSlices = new ArrayList<>();
        Map<?, ?> parameters = null;
        for (int k = 0; k < slices.size(); k++) {
            String path = "slices[" + k + "]";
            Map<?, ?> slice = slice(slices.get(k), path);
            parameters = sliceParameters(slice, path, parameters, k);
            if (!(slice.get("sources") instanceof List<?> sources) || sources.size() != 1) {
                throw refuse(
                        path + ".sources",
                        "passthrough takes exactly one source per slice (as mergekit); "
                                + "stack several slices to combine models");
            }
            String at = path + ".sources[0]";
            Map<?, ?> source = source(sources.getFirst(), at);
            String uri = string(source.get("model"), at + ".model");
            int index = models.add(uri, source.get("parameters"), at + ".parameters");
            if (source.get("layer_range") == null) {
                if (slices.size() > 1) {
                    throw refuse(
                            at + ".layer_range", "with several slices each source needs a layer_range [start, end]");
                }
                continue;
            }
            List<Integer> range = range(source.get("layer_range"), at + ".layer_range");
            layerSlices.add(layers(index, range));
        }
        String first = models.uris.getFirst();
        return new Read(
                base == null ? first : base,
                models.inputs(),
                layerSlices.isEmpty() ? null : layerSlices,
                parameters == null ? Map.of() : parameters);
    }

    /**
     * Merging methods: each slice names the base (as {@code "base"}) and every other model (by index) with one layer
     * range each.
     *
     * @param base        the base_model, or null where the method takes the first model as base
     * @param baseIsInput the base is one of the merged inputs too (mergekit's linear and karcher average it with
     *                    the models): it is then also listed among the models
     */
    static Read merged(Object raw, String base, MergeMethod method, boolean baseIsInput) {
        List<?> slices = list(raw);
        String theBase = base;
        if (theBase == null) {
            Map<?, ?> first = source(
                    sources(slice(slices.getFirst(), "slices[0]"), "slices[0]").getFirst(), "slices[0].sources[0]");
            theBase = string(first.get("model"), "slices[0].sources[0].model");
        }
        Models models = new Models(method);
        // every model a slice names, in order of appearance, so that each slice can be checked against all
        for (int k = 0; k < slices.size(); k++) {
            List<?> sources = sources(slice(slices.get(k), "slices[" + k + "]"), "slices[" + k + "]");
            for (int j = 0; j < sources.size(); j++) {
                String at = "slices[" + k + "].sources[" + j + "]";
                String uri = string(source(sources.get(j), at).get("model"), at + ".model");
                if (!uri.equals(theBase) || baseIsInput) {
                    models.add(uri, source(sources.get(j), at).get("parameters"), at + ".parameters");
                }
            }
        }
        List<Map<String, Object>> ours = new ArrayList<>();
        Map<?, ?> parameters = null;
        for (int k = 0; k < slices.size(); k++) {
            String path = "slices[" + k + "]";
            Map<?, ?> slice = slice(slices.get(k), path);
            parameters = sliceParameters(slice, path, parameters, k);
            List<?> sources = sources(slice, path);
            List<Map<String, Object>> merged = new ArrayList<>();
            List<String> named = new ArrayList<>();
            Integer length = null;
            for (int j = 0; j < sources.size(); j++) {
                String at = path + ".sources[" + j + "]";
                Map<?, ?> source = source(sources.get(j), at);
                String uri = string(source.get("model"), at + ".model");
                if (named.contains(uri)) {
                    throw refuse(at + ".model", "slice " + k + " names '" + uri + "' twice");
                }
                named.add(uri);
                if (source.get("layer_range") == null) {
                    throw refuse(at + ".layer_range", "each source of a merged slice needs a layer_range [start, end]");
                }
                List<Integer> range = range(source.get("layer_range"), at + ".layer_range");
                int sourceLength = range.get(1) - range.get(0);
                if (length != null && sourceLength != length) {
                    throw refuse(
                            at + ".layer_range",
                            "all sources of a slice need the same number of layers (as " + "mergekit): " + length
                                    + " in sources[0], " + sourceLength + " here");
                }
                length = sourceLength;
                if (uri.equals(theBase)) {
                    merged.add(layers(-1, range));
                }
                if (!uri.equals(theBase) || baseIsInput) {
                    models.check(uri, source.get("parameters"), at + ".parameters");
                    merged.add(layers(models.uris.indexOf(uri), range));
                }
            }
            if (!named.contains(theBase)) {
                throw refuse(
                        path + ".sources",
                        "slice " + k + " lacks the base_model '" + theBase + "': mergekit "
                                + "merges only a slice's sources, and " + method.name() + " needs the base in each");
            }
            for (String uri : models.uris) {
                if (!named.contains(uri)) {
                    throw refuse(
                            path + ".sources",
                            "slice " + k + " lacks '" + uri + "', which another slice merges: "
                                    + "a job merges the same models in every slice (with the base)");
                }
            }
            ours.add(Map.of("sources", merged));
        }
        return new Read(theBase, models.inputs(), ours, parameters == null ? Map.of() : parameters);
    }

    private static List<?> list(Object raw) {
        if (!(raw instanceof List<?> slices) || slices.isEmpty()) {
            throw refuse("slices", "slices must be a non-empty list of {sources: [{model, layer_range}]}");
        }
        return slices;
    }

    private static Map<?, ?> slice(Object raw, String path) {
        if (!(raw instanceof Map<?, ?> slice)) {
            throw refuse(path, "each slice is a mapping with 'sources'");
        }
        for (Object key : slice.keySet()) {
            if (!Set.of("sources", "parameters").contains(String.valueOf(key))) {
                throw refuse(
                        path + "." + key,
                        "unsupported key '" + key + "'; supported: sources, parameters"
                                + (String.valueOf(key).equals("base_model")
                                        ? " (one base_model for the whole config)"
                                        : ""));
            }
        }
        return slice;
    }

    private static List<?> sources(Map<?, ?> slice, String path) {
        if (!(slice.get("sources") instanceof List<?> sources) || sources.isEmpty()) {
            throw refuse(path + ".sources", "sources must be a non-empty list of {model, layer_range}");
        }
        return sources;
    }

    private static Map<?, ?> source(Object raw, String path) {
        if (!(raw instanceof Map<?, ?> source)) {
            throw refuse(path, "each source is a mapping with 'model' and 'layer_range'");
        }
        for (Object key : source.keySet()) {
            if (!Set.of("model", "layer_range", "parameters").contains(String.valueOf(key))) {
                throw refuse(
                        path + "." + key, "unsupported key '" + key + "'; supported: model, layer_range, parameters");
            }
        }
        return source;
    }

    /** The slice's own parameters, which must equal those of the slices before it. */
    private static Map<?, ?> sliceParameters(Map<?, ?> slice, String path, Map<?, ?> before, int k) {
        Object raw = slice.get("parameters");
        if (raw != null && !(raw instanceof Map<?, ?>)) {
            throw refuse(path + ".parameters", "parameters must be a mapping");
        }
        Map<?, ?> mine = raw == null ? Map.of() : (Map<?, ?>) raw;
        if (k > 0 && !mine.equals(before)) {
            throw refuse(
                    path + ".parameters",
                    "the slices' parameters differ (" + mine + " here, " + before
                            + " in slices[0]); a job has one set of parameters: give values that vary across the layers as "
                            + "lists or filters in the top-level parameters");
        }
        return mine;
    }

    private static List<Integer> range(Object raw, String path) {
        if (!(raw instanceof List<?> bounds)
                || bounds.size() != 2
                || !(bounds.get(0) instanceof Integer start)
                || !(bounds.get(1) instanceof Integer end)
                || start < 0
                || end <= start) {
            throw refuse(path, "layer_range must be [start, end] with 0 <= start < end (end exclusive), got " + raw);
        }
        return List.of(start, end);
    }

    private static Map<String, Object> layers(int model, List<Integer> range) {
        Map<String, Object> layers = new LinkedHashMap<>();
        layers.put("model", model < 0 ? "base" : model);
        layers.put("layers", range);
        return layers;
    }

    /** The distinct models of the slices, with their parameters, which must be the same wherever a model appears. */
    private static final class Models {
        private final MergeMethod method;
        final List<String> uris = new ArrayList<>();
        private final List<Object> parameters = new ArrayList<>();
        private final List<String> paths = new ArrayList<>();

        Models(MergeMethod method) {
            this.method = method;
        }

        int add(String uri, Object params, String path) {
            if (!uris.contains(uri)) {
                uris.add(uri);
                parameters.add(params);
                paths.add(path);
            } else {
                check(uri, params, path);
            }
            return uris.indexOf(uri);
        }

        void check(String uri, Object params, String path) {
            int i = uris.indexOf(uri);
            if (!Objects.equals(params, parameters.get(i))) {
                throw refuse(
                        path,
                        "'" + uri + "' has other parameters here than at " + paths.get(i) + "; a job has "
                                + "one set of parameters per model: give values that vary across the layers as lists or "
                                + "filters");
            }
        }

        List<ModelInput> inputs() {
            List<ModelInput> inputs = new ArrayList<>();
            for (int i = 0; i < uris.size(); i++) {
                inputs.add(MergekitConfigReader.model(uris.get(i), parameters.get(i), paths.get(i), method));
            }
            return inputs;
        }
    }
}
