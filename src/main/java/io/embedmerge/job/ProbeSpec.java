package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * The probe data of a data-aware merge: one data URI (InfoNCE pairs, weight 1, as before mixtures existed) or a
 * mixture of {@link ProbePart}s. In JSON a string or an array of parts, written back in the form it came in (so a
 * request with a plain URI is stored and recorded in merge-manifest.json exactly as before). The OpenAPI schema
 * ({@code oneOf}) is set by {@code api.ProbeSchemas}.
 */
@JsonDeserialize(using = ProbeSpec.Reader.class)
@Schema(name = "Probe")
public record ProbeSpec(String uri, List<ProbePart> parts) {

    public ProbeSpec {
        if ((uri == null) == (parts == null)) {
            throw new IllegalArgumentException("a probe is either a URI or a list of parts");
        }
        parts = parts == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(parts));
    }

    public static ProbeSpec of(String uri) {
        return new ProbeSpec(uri, null);
    }

    public static ProbeSpec of(List<ProbePart> parts) {
        return new ProbeSpec(null, parts);
    }

    @JsonValue
    public Object json() {
        return uri != null ? uri : parts;
    }

    /** The parts; a plain URI is one InfoNCE part of weight 1. */
    public List<ProbePart> effectiveParts() {
        return uri != null ? List.of(new ProbePart(uri, null, null, null, null, null)) : parts;
    }

    /** Every data URI it names (parts without one left out). */
    public List<String> uris() {
        return effectiveParts().stream()
                .filter(Objects::nonNull)
                .map(ProbePart::uri)
                .filter(Objects::nonNull)
                .toList();
    }

    /** A string, or an array read as parts (so a wrong field type is reported at its path, e.g. probe[1].weight). */
    static final class Reader extends ValueDeserializer<ProbeSpec> {

        @Override
        public ProbeSpec deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return ProbeSpec.of(p.getString());
            }
            if (p.currentToken() == JsonToken.START_ARRAY) {
                List<ProbePart> parts =
                        ctxt.readValue(p, ctxt.getTypeFactory().constructCollectionType(List.class, ProbePart.class));
                return ProbeSpec.of(parts);
            }
            throw MismatchedInputException.from(
                    p, (Class<?>) null, "a probe is a data URI (string) or an array of parts");
        }
    }
}
