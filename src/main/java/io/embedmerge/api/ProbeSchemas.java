package io.embedmerge.api;

import io.embedmerge.job.ProbePart;
import io.embedmerge.job.RequestLimits;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The schema of a probe ({@code probe}, {@code models[i].probe}): a data URI or an array of {@link ProbePart}s. Its
 * Java type ({@code job.ProbeSpec}) is written through {@code @JsonValue}, which swagger-core cannot describe, so
 * the {@code oneOf} is set here and both properties refer to it.
 */
@Component
class ProbeSchemas implements OpenApiCustomizer {

    static final String PROBE = "Probe";
    static final String PART = "ProbePart";
    /** Two parts, as the README's experiment uses them. */
    static final String EXAMPLE = """
            [{"uri": "builtin:stsb-en-train", "objective": "infonce", "scoreThreshold": 4, "label": "paraphrases"},
             {"uri": "builtin:stsb-en-train", "objective": "cosent", "weight": 0.5, "examples": 2000, "label": "similarity"}]""";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> PROBE_PROPERTIES = Map.of(
            "MergeJobRequest",
                    "self_positioning: the probe/target data. A data URI (JSONL query/positive, FlagEmbedding "
                            + "query/pos, or STS data whose pairs scoring at least scoreThreshold count; InfoNCE, weight 1), or "
                            + "a list of parts whose losses are summed with their weights, each part with its own batch.",
            "ModelInput",
                    "fisher, regmean: this model's probe data, in the same forms as the request's `probe`. fisher "
                            + "sums the parts' weighted losses; regmean accumulates its Gram matrices over the union of the "
                            + "parts' examples (part weights do not apply).");

    private final RequestLimits limits;

    ProbeSchemas(RequestLimits limits) {
        this.limits = limits;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void customise(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        if (!schemas.containsKey(PART)) {
            schemas.putAll(ModelConverters.getInstance(true).read(ProbePart.class));
        }
        Schema uri = typed("string").description("A data URI: InfoNCE pairs, weight 1.");
        Schema parts = typed("array")
                .items(new Schema<>(SpecVersion.V31).$ref("#/components/schemas/" + PART))
                .minItems(1)
                .maxItems(limits.maxProbeParts())
                .description("A probe mixture: at most " + limits.maxProbeParts() + " parts "
                        + "(merge.limits.max-probe-parts).");
        schemas.put(
                PROBE,
                new Schema<>(SpecVersion.V31)
                        .oneOf(List.of(uri, parts))
                        .description(
                                "Probe data: a data URI, or a list of parts whose losses L_k enter as Σ_k weight_k · L_k.")
                        .example(JSON.readValue(EXAMPLE, List.class)));
        PROBE_PROPERTIES.forEach((owner, description) -> {
            for (Map<String, Schema> properties : propertiesOf(schemas.get(owner))) {
                if (properties.containsKey("probe")) {
                    properties.put(
                            "probe",
                            new Schema<>(SpecVersion.V31)
                                    .$ref("#/components/schemas/" + PROBE)
                                    .description(description));
                }
            }
        });
    }

    @SuppressWarnings("rawtypes")
    private static Schema typed(String type) {
        Schema schema = new Schema<>(SpecVersion.V31);
        schema.setTypes(Set.of(type));
        return schema;
    }

    /** The property maps of a schema and of its allOf members (whichever form the job-kind customiser left). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static List<Map<String, Schema>> propertiesOf(Schema schema) {
        List<Map<String, Schema>> maps = new ArrayList<>();
        if (schema == null) {
            return maps;
        }
        if (schema.getProperties() != null) {
            maps.add(schema.getProperties());
        }
        if (schema.getAllOf() != null) {
            for (Schema member : (List<Schema>) schema.getAllOf()) {
                if (member.getProperties() != null) {
                    maps.add(member.getProperties());
                }
            }
        }
        return maps;
    }
}
