package io.embedmerge.mergekit;

import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mergekit merge config equivalent to a merge job: {@link MergekitConfigReader} reads it back into the same
 * request (seed, output, evaluation and probes have no mergekit form and are left out). Parameters that mergekit
 * does not know (granularity: model, signMethod, rescale: norm) are written as given; mergekit's per-tensor
 * statistics (granularity: tensor) are its default and left out.
 */
@Component
public class MergekitConfigWriter {

    /** @param params the job's method parameters with defaults filled in, so that the config does not depend on them */
    public String write(MergeJobRequest request, Map<String, Object> params) {
        Map<String, Object> config = new LinkedHashMap<>();
        boolean passthrough = request.method().name().equals("passthrough");
        if (passthrough && params.get("slices") instanceof List<?> layerSlices) {
            // layer stacking: one slice per layer range, one source each
            List<Map<String, Object>> slices = new java.util.ArrayList<>();
            for (Object entry : layerSlices) {
                Map<?, ?> slice = (Map<?, ?>) entry;
                Object model = slice.get("model");
                Map<String, Object> source = new LinkedHashMap<>();
                source.put("model", model instanceof Number n ? request.models().get(n.intValue()).uri() : request.base());
                source.put("layer_range", ((List<?>) slice.get("layers")).stream().map(v -> ((Number) v).intValue()).toList());
                slices.add(Map.of("sources", List.of(source)));
            }
            config.put("slices", slices);
        } else if (passthrough) {
            // mergekit's form of copying one model: a slice with a single source
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("model", request.models().getFirst().uri());
            config.put("slices", List.of(Map.of("sources", List.of(source))));
        }
        config.put("merge_method", request.method().name());
        if (!passthrough || !request.base().equals(request.models().getFirst().uri())) {
            config.put("base_model", request.base());
        }
        if (!passthrough) {
            config.put("models", request.models().stream().map(MergekitConfigWriter::model).toList());
        }
        Map<String, Object> written = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            if (value != null && !(name.equals("granularity") && "tensor".equals(value))
                    && !(passthrough && name.equals("slices"))) {
                written.put(MergekitConfigReader.MERGEKIT_NAMES.getOrDefault(request.method().name(), Map.of())
                        .getOrDefault(name, name), value);
            }
        });
        if (!written.isEmpty()) {
            config.put("parameters", written);
        }
        if (request.outputDtype() != null) {
            config.put("dtype", switch (request.outputDtype()) {
                case F32 -> "float32";
                case F16 -> "float16";
                case BF16 -> "bfloat16";
            });
        }
        config.put("tokenizer_source", "base");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setPrettyFlow(true);
        return new Yaml(options).dump(config);
    }

    private static Map<String, Object> model(ModelInput input) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model", input.uri());
        Map<String, Object> params = new LinkedHashMap<>();
        if (input.weight() != null) {
            params.put("weight", input.weight());
        }
        if (input.params() != null) {
            params.putAll(input.params());
        }
        if (!params.isEmpty()) {
            model.put("parameters", params);
        }
        return model;
    }
}
