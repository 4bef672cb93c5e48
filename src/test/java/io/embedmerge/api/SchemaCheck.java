package io.embedmerge.api;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.OpenApi31;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Validates JSON against a schema of an OpenAPI 3.1 document (its JSON Schema dialect, references inside the document). */
public final class SchemaCheck {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JsonNode components;

    public SchemaCheck(JsonNode document) {
        this.components = document.path("components");
    }

    /** The problems of {@code value} against {@code ref} (e.g. {@code #/components/schemas/Problem}); empty if valid. */
    public List<String> problems(String ref, JsonNode value) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$ref", ref);
        return problems(schema, value);
    }

    /** The problems of {@code value} against an inline schema (e.g. a parameter's), whose references may name components. */
    public List<String> problems(JsonNode inline, JsonNode value) {
        ObjectNode root = (ObjectNode) inline.deepCopy();
        root.set("components", components);
        Schema schema =
                SchemaRegistry.withDefaultDialect(OpenApi31.getInstance()).getSchema(root.toString(), InputFormat.JSON);
        return schema.validate(value.toString(), InputFormat.JSON).stream()
                .map(Object::toString)
                .toList();
    }
}
