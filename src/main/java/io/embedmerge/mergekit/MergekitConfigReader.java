package io.embedmerge.mergekit;

import io.embedmerge.job.FieldProblem;
import io.embedmerge.job.JobValidationException;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.MethodSpec;
import io.embedmerge.job.ModelInput;
import io.embedmerge.job.OutputDtype;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MethodRegistry;
import io.embedmerge.merge.ParamScope;
import io.embedmerge.merge.ParamSpec;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a mergekit merge config (YAML) into the equivalent merge job. Supported: merge_method, base_model,
 * models[].model, models[].parameters, parameters, dtype, tokenizer_source: base, and for passthrough slices (one
 * source each, with layer_range; a single slice without layer_range copies its model). mergekit's semantics where ours differ are written out: statistics per tensor
 * (granularity: tensor), mergekit's normalize default per method, density 1 when absent. Anything else is refused
 * naming its YAML path.
 */
@Component
public class MergekitConfigReader {

    private static final Set<String> TOP_LEVEL = Set.of("merge_method", "base_model", "models", "parameters", "dtype",
            "tokenizer_source", "slices");
    /** mergekit's normalize default where it differs from ours. */
    private static final Map<String, Boolean> NORMALIZE = Map.of("linear", true, "task_arithmetic", false,
            "ties", true, "dare_ties", false, "dare_linear", false, "breadcrumbs", false, "breadcrumbs_ties", false,
            "della", true, "della_linear", false);
    /** mergekit's names of parameters this service spells otherwise, per method: ours → mergekit's. */
    static final Map<String, Map<String, String>> MERGEKIT_NAMES = Map.of(
            "multislerp", Map.of("normalize", "normalize_weights"),
            "karcher", Map.of("maxIter", "max_iter"),
            "sce", Map.of("selectTopk", "select_topk"));
    private static final Map<String, OutputDtype> DTYPES = Map.of("float32", OutputDtype.F32, "float16", OutputDtype.F16,
            "bfloat16", OutputDtype.BF16);

    private final MethodRegistry methods;

    public MergekitConfigReader(MethodRegistry methods) {
        this.methods = methods;
    }

    public MergeJobRequest read(String yaml) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw refuse("$", "not a YAML document: " + firstLine(e.getMessage()));
        }
        if (!(document instanceof Map<?, ?> config)) {
            throw refuse("$", "a mergekit config is a YAML mapping");
        }
        for (Object key : config.keySet()) {
            if (!TOP_LEVEL.contains(String.valueOf(key))) {
                throw refuse(String.valueOf(key), "unsupported mergekit key '" + key + "'; supported: "
                        + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)));
            }
        }
        String name = string(config.get("merge_method"), "merge_method");
        MergeMethod method = methods.find(name).filter(m -> !m.dataNeeds().dataAware() && !name.equals("slerp"))
                .orElseThrow(() -> refuse("merge_method", "unsupported merge_method '" + name + "'"));
        Object tokenizer = config.get("tokenizer_source");
        if (tokenizer != null && !"base".equals(tokenizer)) {
            throw refuse("tokenizer_source", "only 'base' is supported (the output takes the base's tokenizer files), got '"
                    + tokenizer + "'");
        }
        OutputDtype dtype = null;
        if (config.get("dtype") != null) {
            dtype = DTYPES.get(String.valueOf(config.get("dtype")));
            if (dtype == null) {
                throw refuse("dtype", "dtype must be one of " + new java.util.TreeSet<>(DTYPES.keySet()) + ", got '"
                        + config.get("dtype") + "'");
            }
        }
        Object baseModel = config.get("base_model");
        String base = baseModel == null ? null : string(baseModel, "base_model");
        List<Map<String, Object>> layerSlices = new ArrayList<>();
        List<ModelInput> models = config.containsKey("slices") ? slices(config, name, layerSlices)
                : models(config.get("models"), base, method);
        if (base == null) {
            if (!name.equals("passthrough")) {
                throw refuse("base_model", name + " needs a base_model");
            }
            base = models.isEmpty() ? null : models.getFirst().uri();
        }
        Map<String, Object> params = parameters(config.get("parameters"), method, name, models);
        if (!layerSlices.isEmpty()) {
            params.put("slices", layerSlices);
        }
        return new MergeJobRequest(base, models, new MethodSpec(name, params), null, dtype, null, null, null, null,
                null, null, null, null, null);
    }

    private List<ModelInput> models(Object raw, String base, MergeMethod method) {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw refuse("models", "models must be a non-empty list of {model, parameters}");
        }
        List<ModelInput> models = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "models[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                throw refuse(path, "each model is a mapping with 'model' and optional 'parameters'");
            }
            for (Object key : entry.keySet()) {
                if (!Set.of("model", "parameters").contains(String.valueOf(key))) {
                    throw refuse(path + "." + key, "unsupported key '" + key + "'; supported: model, parameters");
                }
            }
            String uri = string(entry.get("model"), path + ".model");
            // mergekit lists the base among the models; it contributes no task vector
            if (uri.equals(base)) {
                continue;
            }
            Map<String, Object> params = new LinkedHashMap<>();
            Double weight = null;
            if (entry.get("parameters") != null) {
                if (!(entry.get("parameters") instanceof Map<?, ?> given)) {
                    throw refuse(path + ".parameters", "parameters must be a mapping");
                }
                for (var e : given.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    if (key.equals("weight") && e.getValue() instanceof Number w) {
                        weight = w.doubleValue();
                    } else if (settable(method, key, ParamScope.MODEL)) {
                        params.put(key, e.getValue());
                    } else {
                        throw refuse(path + ".parameters." + key, "'" + key + "' cannot be set per model for "
                                + method.name());
                    }
                }
            }
            models.add(new ModelInput(uri, weight, null, null, params.isEmpty() ? null : params));
        }
        return models;
    }

    /**
     * The slices' models (distinct, in order of appearance); the layer ranges go to {@code layerSlices} as the
     * passthrough {@code slices} parameter, except for a single slice without layer_range (a copy of its model).
     */
    private List<ModelInput> slices(Map<?, ?> config, String name, List<Map<String, Object>> layerSlices) {
        if (!name.equals("passthrough") || config.containsKey("models")) {
            throw refuse("slices", "slices are supported for passthrough only, without models");
        }
        if (!(config.get("slices") instanceof List<?> slices) || slices.isEmpty()) {
            throw refuse("slices", "slices must be a non-empty list of {sources: [{model, layer_range}]}");
        }
        List<String> uris = new ArrayList<>();
        for (int k = 0; k < slices.size(); k++) {
            String path = "slices[" + k + "]";
            if (!(slices.get(k) instanceof Map<?, ?> slice)) {
                throw refuse(path, "each slice is a mapping with 'sources'");
            }
            for (Object key : slice.keySet()) {
                if (!"sources".equals(String.valueOf(key))) {
                    throw refuse(path + "." + key, "unsupported key '" + key + "'; supported: sources");
                }
            }
            if (!(slice.get("sources") instanceof List<?> sources) || sources.size() != 1
                    || !(sources.getFirst() instanceof Map<?, ?> source)) {
                throw refuse(path + ".sources", "passthrough takes exactly one source per slice (as mergekit); "
                        + "stack several slices to combine models");
            }
            String at = path + ".sources[0]";
            for (Object key : source.keySet()) {
                if (!Set.of("model", "layer_range").contains(String.valueOf(key))) {
                    throw refuse(at + "." + key, "unsupported key '" + key + "'; supported: model, layer_range");
                }
            }
            String uri = string(source.get("model"), at + ".model");
            if (!uris.contains(uri)) {
                uris.add(uri);
            }
            Object range = source.get("layer_range");
            if (range == null) {
                if (slices.size() > 1) {
                    throw refuse(at + ".layer_range", "with several slices each source needs a layer_range [start, end]");
                }
                continue;
            }
            if (!(range instanceof List<?> bounds) || bounds.size() != 2 || !(bounds.get(0) instanceof Integer start)
                    || !(bounds.get(1) instanceof Integer end) || start < 0 || end <= start) {
                throw refuse(at + ".layer_range", "layer_range must be [start, end] with 0 <= start < end (end "
                        + "exclusive), got " + range);
            }
            Map<String, Object> layers = new LinkedHashMap<>();
            layers.put("model", uris.indexOf(uri));
            layers.put("layers", List.of(start, end));
            layerSlices.add(layers);
        }
        return uris.stream().map(uri -> new ModelInput(uri, null, null, null, null)).toList();
    }

    private Map<String, Object> parameters(Object raw, MergeMethod method, String name, List<ModelInput> models) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (raw != null) {
            if (!(raw instanceof Map<?, ?> given)) {
                throw refuse("parameters", "parameters must be a mapping");
            }
            for (var e : given.entrySet()) {
                String path = "parameters." + e.getKey();
                String key = ours(name, String.valueOf(e.getKey()));
                Object value = e.getValue();
                if (key.equals("int8_mask")) {
                    continue;   // a storage optimisation in mergekit; the masks here are never stored
                }
                if (key.equals("rescale") && (name.startsWith("dare") || name.startsWith("della"))) {
                    if (!Boolean.TRUE.equals(value)) {
                        throw refuse(path, "only rescale: true (survivors divided by their survival probability) is "
                                + "supported for " + name);
                    }
                    continue;
                }
                if (key.equals("rescale") && Boolean.FALSE.equals(value) && settable(method, key, ParamScope.METHOD)) {
                    params.put(key, "none");
                    continue;
                }
                // mergekit options whose only supported value is what this service does
                if (key.equals("filter_wise") && Boolean.FALSE.equals(value) && name.equals("model_stock")
                        || key.equals("nuslerp_flatten") && Boolean.TRUE.equals(value) && name.equals("nuslerp")
                        || key.equals("nuslerp_row_wise") && Boolean.FALSE.equals(value) && name.equals("nuslerp")) {
                    continue;
                }
                if (!settable(method, key, ParamScope.METHOD)) {
                    throw refuse(path, "unsupported parameter '" + key + "' for " + name);
                }
                params.put(key, value);
            }
        }
        if (settable(method, "granularity", ParamScope.METHOD)) {
            params.putIfAbsent("granularity", "tensor");
        }
        if (name.equals("multislerp")) {
            params.putIfAbsent("normalize", true);
        }
        if (NORMALIZE.containsKey(name)) {
            params.putIfAbsent("normalize", NORMALIZE.get(name));
        }
        // mergekit keeps everything when no density is given (its della then ignores epsilon)
        if (settable(method, "density", ParamScope.METHOD) && !params.containsKey("density")
                && models.stream().noneMatch(m -> m.params() != null && m.params().containsKey("density"))) {
            params.put("density", 1.0);
            if (settable(method, "epsilon", ParamScope.METHOD)) {
                params.putIfAbsent("epsilon", 0.0);
            }
        }
        return params;
    }

    private static String ours(String method, String mergekitName) {
        return MERGEKIT_NAMES.getOrDefault(method, Map.of()).entrySet().stream()
                .filter(e -> e.getValue().equals(mergekitName)).map(Map.Entry::getKey).findFirst().orElse(mergekitName);
    }

    private static boolean settable(MergeMethod method, String key, ParamScope scope) {
        return method.descriptor().params().stream().anyMatch(p -> p.name().equals(key) && p.settableIn(scope));
    }

    private static String string(Object value, String path) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw refuse(path, path + " must be a string");
        }
        return s;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static JobValidationException refuse(String path, String message) {
        return new JobValidationException(List.of(new FieldProblem(path, message)));
    }
}
