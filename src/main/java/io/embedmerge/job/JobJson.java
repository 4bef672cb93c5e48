package io.embedmerge.job;

import io.embedmerge.storage.FileDigests;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON of stored requests, results and event data, with sorted map keys so equal requests hash equally. */
@Component
public class JobJson {

    private final JsonMapper mapper;

    public JobJson(JsonMapper mapper) {
        this.mapper = mapper.rebuild()
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    public String write(Object value) {
        return mapper.writeValueAsString(value);
    }

    public <T> T read(String json, Class<T> type) {
        return json == null ? null : mapper.readValue(json, type);
    }

    public JsonNode tree(String json) {
        return json == null ? null : mapper.readTree(json);
    }

    public JsonNode toTree(Object value) {
        return mapper.valueToTree(value);
    }

    static String sha256(String text) {
        return FileDigests.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }
}
