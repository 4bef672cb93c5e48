package io.embedmerge.mergekit;

import io.embedmerge.job.JobConflictException;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import io.embedmerge.merge.MethodRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The mergekit merge config equivalent to a merge job: {@link MergekitConfigReader} reads it back into a job that
 * writes the same output (seed, output, evaluation and probes have no mergekit form and are left out). Parameters
 * that mergekit does not know (granularity: model, signMethod, rescale: norm) are written as given; mergekit's
 * per-tensor statistics (granularity: tensor) are its default and left out. Methods that mergekit lacks (the paper's
 * slerp, the data-aware ones) and jobs it cannot express have no config: {@link JobConflictException}.
 */
@Component
public class MergekitConfigWriter {

    private final MethodRegistry methods;

    public MergekitConfigWriter(MethodRegistry methods) {
        this.methods = methods;
    }

    /** @param params the job's method parameters with defaults filled in, so that the config does not depend on them */
    public String write(MergeJobRequest request, Map<String, Object> params) {
        String name = request.method().name();
        if (MergekitConfigReader.NO_MERGEKIT_FORM.containsKey(name)) {
            throw noForm(name, MergekitConfigReader.NO_MERGEKIT_FORM.get(name));
        }
        if (methods.require(name).dataNeeds().dataAware()) {
            throw noForm(name, "mergekit has no data-aware methods");
        }
        String mergekitName = MergekitConfigReader.METHOD_NAMES.entrySet().stream()
                .filter(e -> e.getValue().equals(name))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(name);
        List<ModelInput> models = new ArrayList<>(request.models());
        boolean baseListed = models.stream().anyMatch(m -> m.uri().equals(request.base()));
        boolean writeBase = true;
        if (name.equals("linear") && !baseListed) {
            models.add(linearBase(request, params));
        }
        if (name.equals("karcher")) {
            if (models.stream()
                    .anyMatch(m -> m.effectiveWeight() != 1.0
                            || m.params() != null && m.params().containsKey("weight"))) {
                throw noForm(name, "mergekit's karcher takes no per-model weights");
            }
            // mergekit's karcher merges the base_model too: a base that only supplies files is left out
            writeBase = baseListed;
        }
        Map<String, Object> config = new LinkedHashMap<>();
        boolean passthrough = name.equals("passthrough");
        if (passthrough) {
            config.put("slices", stacked(request, params));
        } else if (params.get("slices") instanceof List<?> slices) {
            if (MergekitConfigReader.BASE_IS_INPUT.contains(name) && !baseListed) {
                throw noForm(
                        name,
                        "its mergekit form merges the base_model in every slice, this job's base only "
                                + "supplies files");
            }
            config.put("slices", merged(request, slices));
        }
        config.put("merge_method", mergekitName);
        if (writeBase
                && (!passthrough
                        || !request.base().equals(request.models().getFirst().uri()))) {
            config.put("base_model", request.base());
        }
        if (!config.containsKey("slices")) {
            config.put(
                    "models", models.stream().map(MergekitConfigWriter::model).toList());
        }
        Map<String, Object> written = new LinkedHashMap<>();
        params.forEach((param, value) -> {
            if (value != null && !(param.equals("granularity") && "tensor".equals(value)) && !param.equals("slices")) {
                written.put(
                        MergekitConfigReader.MERGEKIT_NAMES
                                .getOrDefault(name, Map.of())
                                .getOrDefault(param, param),
                        value);
            }
        });
        if (!written.isEmpty()) {
            config.put("parameters", written);
        }
        if (request.outputDtype() != null) {
            config.put(
                    "dtype",
                    switch (request.outputDtype()) {
                        case F32 -> "float32";
                        case F16 -> "float16";
                        case BF16 -> "bfloat16";
                    });
        }
        if (config.containsKey("base_model") || passthrough) {
            config.put("tokenizer_source", "base");
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setPrettyFlow(true);
        return new Yaml(options).dump(config);
    }

    /**
     * mergekit's linear averages the base_model too: listed with weight 0 (normalize) or 1 − Σ w_i (without), it adds
     * exactly what this service's θ0 + Σ w_i (θ_i − θ0) / (Σ w_i or 1) has of θ0.
     */
    private static ModelInput linearBase(MergeJobRequest request, Map<String, Object> params) {
        if (Boolean.TRUE.equals(params.get("normalize"))) {
            return new ModelInput(request.base(), 0.0, null, null, null);
        }
        if (request.models().stream()
                        .anyMatch(m -> m.params() != null && m.params().containsKey("weight"))
                || !Double.valueOf(1.0).equals(params.get("lambda"))) {
            throw noForm(
                    "linear",
                    "without normalize, mergekit's linear has no λ and no room for weights that vary "
                            + "per tensor here");
        }
        double sum = request.models().stream()
                .mapToDouble(ModelInput::effectiveWeight)
                .sum();
        return new ModelInput(request.base(), 1 - sum, null, null, null);
    }

    /** passthrough: one slice per layer range with one source each; a copy of the one model is a single slice. */
    private static List<Map<String, Object>> stacked(MergeJobRequest request, Map<String, Object> params) {
        List<Map<String, Object>> slices = new ArrayList<>();
        if (!(params.get("slices") instanceof List<?> layerSlices)) {
            Map<String, Object> source = source(request, request.models().getFirst(), null);
            return List.of(Map.of("sources", List.of(source)));
        }
        for (Object entry : layerSlices) {
            Map<?, ?> slice = (Map<?, ?>) entry;
            Map<?, ?> only =
                    slice.containsKey("sources") ? (Map<?, ?>) ((List<?>) slice.get("sources")).getFirst() : slice;
            slices.add(Map.of("sources", List.of(source(request, only.get("model"), only.get("layers")))));
        }
        return slices;
    }

    /** Merged slices: each source the base or a model, with its layer range (and the model's parameters). */
    private static List<Map<String, Object>> merged(MergeJobRequest request, List<?> slices) {
        List<Map<String, Object>> written = new ArrayList<>();
        for (Object entry : slices) {
            List<Map<String, Object>> sources = new ArrayList<>();
            boolean baseAsModel = false;
            for (Object raw : (List<?>) ((Map<?, ?>) entry).get("sources")) {
                Object model = ((Map<?, ?>) raw).get("model");
                baseAsModel |= model instanceof Number n
                        && request.models().get(n.intValue()).uri().equals(request.base());
            }
            for (Object raw : (List<?>) ((Map<?, ?>) entry).get("sources")) {
                Map<?, ?> source = (Map<?, ?>) raw;
                if (!(source.get("model") instanceof Number) && baseAsModel) {
                    continue; // the base is also one of the models (linear, karcher): one source for both
                }
                sources.add(source(request, source.get("model"), source.get("layers")));
            }
            written.add(Map.of("sources", sources));
        }
        return written;
    }

    private static Map<String, Object> source(MergeJobRequest request, Object model, Object layers) {
        ModelInput input = model instanceof Number n
                ? request.models().get(n.intValue())
                : model instanceof ModelInput m ? m : null;
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("model", input == null ? request.base() : input.uri());
        if (layers != null) {
            source.put(
                    "layer_range",
                    ((List<?>) layers)
                            .stream().map(v -> ((Number) v).intValue()).toList());
        }
        Map<String, Object> parameters = input == null ? Map.of() : parameters(input);
        if (!parameters.isEmpty()) {
            source.put("parameters", parameters);
        }
        return source;
    }

    private static Map<String, Object> model(ModelInput input) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model", input.uri());
        Map<String, Object> params = parameters(input);
        if (!params.isEmpty()) {
            model.put("parameters", params);
        }
        return model;
    }

    private static Map<String, Object> parameters(ModelInput input) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (input.weight() != null) {
            params.put("weight", input.weight());
        }
        if (input.params() != null) {
            params.putAll(input.params());
        }
        return params;
    }

    private static JobConflictException noForm(String method, String why) {
        return new JobConflictException("a " + method + " merge has no mergekit config: " + why);
    }
}
