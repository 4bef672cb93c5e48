package io.embedmerge.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Makes each job-kind variant a standalone schema with its own {@code kind}. swagger-core composes every variant
 * as {@code allOf: [JobRequest, {...}]}; since JobRequest is itself the oneOf of the variants, that reference is
 * circular, Swagger UI renders it as {@code any & object}, and no example can be valid against it.
 */
@Component
class JobRequestSchemas implements OpenApiCustomizer {

    static final String PARENT = "JobRequest";
    private static final String KIND = "kind";

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void customise(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        Schema parent = schemas.get(PARENT);
        Schema kindProperty = (Schema) parent.getProperties().get(KIND);
        parent.getDiscriminator().getMapping().forEach((kind, ref) -> {
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            schemas.put(name, standalone(schemas.get(name), kind, kindProperty));
        });
        // kind is declared (and required) by every variant; the parent only chooses among them
        parent.setProperties(null);
        parent.setRequired(null);
        parent.setType(null);
        parent.setTypes(null);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema standalone(Schema variant, String kind, Schema kindProperty) {
        Schema own = ((List<Schema>) variant.getAllOf())
                .stream()
                        .filter(part -> part.get$ref() == null)
                        .findFirst()
                        .orElseThrow(
                                () -> new IllegalStateException(variant.getName() + " has no properties of its own"));
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put(
                KIND,
                copyOf(kindProperty)
                        .description("`" + kind + "` selects this variant")
                        ._enum(List.of(kind)));
        properties.putAll(own.getProperties());
        List<String> required = new ArrayList<>(List.of(KIND));
        if (variant.getRequired() != null) {
            required.addAll(variant.getRequired());
        }
        if (own.getRequired() != null) {
            required.addAll(own.getRequired());
        }
        return own.properties(properties)
                .required(required.stream().distinct().toList())
                .description(variant.getDescription())
                .additionalProperties(false);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema copyOf(Schema property) {
        Schema copy = new Schema(property.getSpecVersion());
        copy.setType(property.getType());
        copy.setTypes(property.getTypes());
        return copy;
    }
}
