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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Turns a mergekit merge config (YAML) into the equivalent merge job. Supported: merge_method, base_model,
 * models[].model, models[].parameters, parameters, dtype, tokenizer_source: base, and slices (see
 * {@link MergekitSlices}). mergekit's semantics where ours differ are written out: statistics per tensor
 * (granularity: tensor), mergekit's normalize default per method, density 1 when absent, mergekit's slerp as
 * slerp_pair, the base as one of karcher's inputs. Anything else is refused naming its YAML path.
 */
@Component
public class MergekitConfigReader {

    private static final Set<String> TOP_LEVEL =
            Set.of("merge_method", "base_model", "models", "parameters", "dtype", "tokenizer_source", "slices");
    /** mergekit's normalize default where it differs from ours. */
    private static final Map<String, Boolean> NORMALIZE = Map.of(
            "linear",
            true,
            "task_arithmetic",
            false,
            "ties",
            true,
            "dare_ties",
            false,
            "dare_linear",
            false,
            "breadcrumbs",
            false,
            "breadcrumbs_ties",
            false,
            "della",
            true,
            "della_linear",
            false);
    /** mergekit's names of parameters this service spells otherwise, per method: ours → mergekit's. */
    static final Map<String, Map<String, String>> MERGEKIT_NAMES = Map.of(
            "multislerp", Map.of("normalize", "normalize_weights"),
            "karcher", Map.of("maxIter", "max_iter"),
            "sce", Map.of("selectTopk", "select_topk"));
    /** mergekit's method names that name another method here: mergekit's → ours. */
    static final Map<String, String> METHOD_NAMES = Map.of("slerp", "slerp_pair");
    /** Methods of this service without a mergekit form, and why. */
    static final Map<String, String> NO_MERGEKIT_FORM = Map.of(
            "slerp",
            "this service's slerp is the paper's iterated "
                    + "N-way slerp of task vectors, which mergekit lacks (mergekit's slerp is slerp_pair here)");
    /** Per-model parameters this service's method takes but mergekit's ignores: ours → those names. */
    static final Map<String, Set<String>> IGNORED_BY_MERGEKIT = Map.of("karcher", Set.of("weight"));
    /** Methods whose mergekit form merges the base_model as one of the inputs (listed or not). */
    static final Set<String> BASE_IS_INPUT = Set.of("linear", "karcher");

    private static final Map<String, OutputDtype> DTYPES =
            Map.of("float32", OutputDtype.F32, "float16", OutputDtype.F16, "bfloat16", OutputDtype.BF16);

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
                throw refuse(
                        String.valueOf(key),
                        "unsupported mergekit key '" + key + "'; supported: "
                                + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)));
            }
        }
        String given = string(config.get("merge_method"), "merge_method");
        String name = METHOD_NAMES.getOrDefault(given, given);
        MergeMethod method = methods.find(name)
                .filter(m -> !m.dataNeeds().dataAware() && !NO_MERGEKIT_FORM.containsKey(m.name()))
                .orElseThrow(() -> refuse("merge_method", "unsupported merge_method '" + given + "'"));
        Object tokenizer = config.get("tokenizer_source");
        if (tokenizer != null && !"base".equals(tokenizer)) {
            throw refuse(
                    "tokenizer_source",
                    "only 'base' is supported (the output takes the base's tokenizer files), got '" + tokenizer + "'");
        }
        OutputDtype dtype = null;
        if (config.get("dtype") != null) {
            dtype = DTYPES.get(String.valueOf(config.get("dtype")));
            if (dtype == null) {
                throw refuse(
                        "dtype",
                        "dtype must be one of " + new java.util.TreeSet<>(DTYPES.keySet()) + ", got '"
                                + config.get("dtype") + "'");
            }
        }
        Object baseModel = config.get("base_model");
        String base = baseModel == null ? null : string(baseModel, "base_model");
        if (config.containsKey("slices") && config.containsKey("models")) {
            throw refuse("slices", "give either models or slices, not both (as mergekit)");
        }
        boolean passthrough = name.equals("passthrough");
        boolean baseIsInput = BASE_IS_INPUT.contains(name);
        if (base == null && !passthrough && !baseIsInput) {
            throw refuse("base_model", given + " needs a base_model");
        }
        Parameters global = parameters(config.get("parameters"), method, given, "parameters");
        Map<String, Object> params = new LinkedHashMap<>(global.method());
        List<ModelInput> models;
        if (config.containsKey("slices")) {
            MergekitSlices.Read sliced = passthrough
                    ? MergekitSlices.stacked(config.get("slices"), base, method)
                    : MergekitSlices.merged(config.get("slices"), base, method, baseIsInput);
            base = sliced.base();
            models = sliced.models();
            // a slice's parameters come before the top-level ones in mergekit
            Parameters slice = parameters(sliced.parameters(), method, given, "slices[0].parameters");
            params.putAll(slice.method());
            global = new Parameters(params, merge(global.perModel(), slice.perModel()));
            if (sliced.slices() != null) {
                params.put("slices", sliced.slices());
            }
        } else {
            models = models(config.get("models"), base, method, baseIsInput);
            if (base == null) {
                base = models.getFirst().uri();
            }
        }
        models = withDefaults(models, global.perModel());
        defaults(params, method, models);
        if (name.equals("linear")) {
            checkLinear(baseModel == null ? null : base, models, params);
        }
        return new MergeJobRequest(
                base,
                models,
                new MethodSpec(name, params),
                null,
                dtype,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /**
     * mergekit's linear is Σ w_i θ_i over its models (the base_model among them), divided by Σ w_i with normalize;
     * this service's is θ0 + Σ w_i (θ_i − θ0) / Σ w_i, which equals it with the base a model of zero task vector,
     * and without normalize only when the weights sum to 1.
     *
     * @param baseModel the config's base_model, or null when it names none
     */
    private static void checkLinear(String baseModel, List<ModelInput> models, Map<String, Object> params) {
        for (ModelInput m : models) {
            if (m.uri().equals(baseModel)
                    && m.weight() == null
                    && (m.params() == null || !m.params().containsKey("weight"))) {
                throw refuse(
                        "base_model",
                        "mergekit's linear averages the base_model with the models and needs its "
                                + "weight: list it under models with parameters.weight (or set parameters.weight for all)");
            }
        }
        if (!Boolean.FALSE.equals(params.get("normalize"))) {
            return;
        }
        double sum = 0;
        for (ModelInput m : models) {
            if (m.params() != null && m.params().get("weight") != null) {
                throw refuse(
                        "parameters.normalize",
                        "linear with normalize: false and weights that vary per tensor "
                                + "has no equivalent here (mergekit's Σ w_i θ_i equals θ0 + Σ w_i (θ_i − θ0) only where the "
                                + "weights sum to 1)");
            }
            sum += m.effectiveWeight();
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw refuse(
                    "parameters.normalize",
                    "mergekit's linear with normalize: false is Σ w_i θ_i, which this "
                            + "service's linear (θ0 + Σ w_i (θ_i − θ0)) equals only when the weights sum to 1; they sum to "
                            + sum);
        }
    }

    /**
     * The top-level (or a slice's) parameters: those of the method, and those that mergekit lets a model set and
     * takes from here for each model that does not (such as {@code weight}).
     */
    private record Parameters(Map<String, Object> method, Map<String, Object> perModel) {}

    private static Map<String, Object> merge(Map<String, Object> under, Map<String, Object> over) {
        Map<String, Object> all = new LinkedHashMap<>(under);
        all.putAll(over);
        return all;
    }

    /** Each model takes the per-model values given for all where it gives none itself. */
    private static List<ModelInput> withDefaults(List<ModelInput> models, Map<String, Object> perModel) {
        if (perModel.isEmpty()) {
            return models;
        }
        List<ModelInput> all = new ArrayList<>();
        for (ModelInput m : models) {
            Double weight = m.weight();
            Map<String, Object> params = new LinkedHashMap<>(m.params() == null ? Map.of() : m.params());
            for (var e : perModel.entrySet()) {
                boolean own = params.containsKey(e.getKey()) || e.getKey().equals("weight") && weight != null;
                if (own) {
                    continue;
                }
                if (e.getKey().equals("weight") && e.getValue() instanceof Number w) {
                    weight = w.doubleValue();
                } else {
                    params.put(e.getKey(), e.getValue());
                }
            }
            all.add(new ModelInput(m.uri(), weight, m.label(), m.probe(), params.isEmpty() ? null : params));
        }
        return all;
    }

    /**
     * The models; the base_model among them contributes no task vector and is left out, except where mergekit merges
     * it as one of the inputs (linear, karcher): there it stays, and is added when not listed (as mergekit does).
     */
    private List<ModelInput> models(Object raw, String base, MergeMethod method, boolean baseIsInput) {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw refuse("models", "models must be a non-empty list of {model, parameters}");
        }
        List<ModelInput> models = new ArrayList<>();
        boolean baseListed = false;
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
            baseListed |= uri.equals(base);
            if (uri.equals(base) && !baseIsInput) {
                continue;
            }
            models.add(model(uri, entry.get("parameters"), path + ".parameters", method));
        }
        if (baseIsInput && base != null && !baseListed) {
            models.add(new ModelInput(base, null, null, null, null));
        }
        return models;
    }

    /** One model with its parameters: a number weight is models[i].weight, the rest models[i].params. */
    static ModelInput model(String uri, Object parameters, String path, MergeMethod method) {
        Map<String, Object> params = new LinkedHashMap<>();
        Double weight = null;
        if (parameters != null) {
            if (!(parameters instanceof Map<?, ?> given)) {
                throw refuse(path, "parameters must be a mapping");
            }
            for (var e : given.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (IGNORED_BY_MERGEKIT.getOrDefault(method.name(), Set.of()).contains(key)) {
                    throw refuse(
                            path + "." + key,
                            "mergekit's " + method.name() + " ignores '" + key + "' (it takes "
                                    + "none), while this service's would use it: leave it out for mergekit's result");
                }
                if (key.equals("weight")
                        && e.getValue() instanceof Number w
                        && settable(method, key, ParamScope.MODEL)) {
                    weight = w.doubleValue();
                } else if (settable(method, key, ParamScope.MODEL)) {
                    params.put(key, e.getValue());
                } else {
                    throw refuse(path + "." + key, "'" + key + "' cannot be set per model for " + method.name());
                }
            }
        }
        return new ModelInput(uri, weight, null, null, params.isEmpty() ? null : params);
    }

    private Parameters parameters(Object raw, MergeMethod method, String given, String at) {
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, Object> perModel = new LinkedHashMap<>();
        if (raw == null) {
            return new Parameters(params, perModel);
        }
        if (!(raw instanceof Map<?, ?> entries)) {
            throw refuse(at, "parameters must be a mapping");
        }
        String name = method.name();
        for (var e : entries.entrySet()) {
            String path = at + "." + e.getKey();
            String key = ours(name, String.valueOf(e.getKey()));
            Object value = e.getValue();
            if (key.equals("int8_mask")) {
                continue; // a storage optimisation in mergekit; the masks here are never stored
            }
            if (key.equals("rescale") && (name.startsWith("dare") || name.startsWith("della"))) {
                if (!Boolean.TRUE.equals(value)) {
                    throw refuse(
                            path,
                            "only rescale: true (survivors divided by their survival probability) is "
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
            if (IGNORED_BY_MERGEKIT.getOrDefault(name, Set.of()).contains(key)) {
                throw refuse(
                        path,
                        "mergekit's " + name + " ignores '" + key + "' (it takes none), while this "
                                + "service's would use it: leave it out for mergekit's result");
            }
            if (settable(method, key, ParamScope.METHOD)) {
                params.put(key, value);
            } else if (settable(method, key, ParamScope.MODEL)) {
                perModel.put(key, value); // mergekit's fallback for the models that do not set it
            } else {
                throw refuse(path, "unsupported parameter '" + e.getKey() + "' for " + given);
            }
        }
        return new Parameters(params, perModel);
    }

    /** mergekit's defaults where they differ from ours. */
    private static void defaults(Map<String, Object> params, MergeMethod method, List<ModelInput> models) {
        String name = method.name();
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
        if (settable(method, "density", ParamScope.METHOD)
                && !params.containsKey("density")
                && models.stream()
                        .noneMatch(m -> m.params() != null && m.params().containsKey("density"))) {
            params.put("density", 1.0);
            if (settable(method, "epsilon", ParamScope.METHOD)) {
                params.putIfAbsent("epsilon", 0.0);
            }
        }
    }

    static String ours(String method, String mergekitName) {
        return MERGEKIT_NAMES.getOrDefault(method, Map.of()).entrySet().stream()
                .filter(e -> e.getValue().equals(mergekitName))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(mergekitName);
    }

    static boolean settable(MergeMethod method, String key, ParamScope scope) {
        return method.descriptor().params().stream().anyMatch(p -> p.name().equals(key) && p.settableIn(scope));
    }

    static String string(Object value, String path) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw refuse(path, path + " must be a string");
        }
        return s;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    static JobValidationException refuse(String path, String message) {
        return new JobValidationException(List.of(new FieldProblem(path, message)));
    }
}
