package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The served schema of a probe: a data URI or an array of 1 to max-probe-parts parts (oneOf), whose own example
 * is valid against it, and which the merge request's {@code probe} and {@code models[i].probe} refer to.
 */
class ProbeSchemaTest extends ServedDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROBE = "#/components/schemas/Probe";

    @Test
    void aProbeIsADataUriOrAListOfPartsAndItsExampleIsValid() {
        JsonNode probe = document.at("/components/schemas/Probe");
        assertThat(probe.path("oneOf")).hasSize(2);
        assertThat(probe.at("/oneOf/1/maxItems").asInt()).isEqualTo(8);
        assertThat(probe.path("example").size()).isEqualTo(2);
        assertThat(schemas.problems(PROBE, probe.path("example"))).isEmpty();
        assertThat(schemas.problems(PROBE, JSON.readTree("\"builtin:stsb-en-dev\"")))
                .isEmpty();
        assertThat(schemas.problems(PROBE, JSON.readTree("42"))).isNotEmpty();
        assertThat(schemas.problems(PROBE, JSON.readTree("[]"))).isNotEmpty();
        assertThat(schemas.problems(PROBE, JSON.readTree("[{\"objective\": \"infonce\"}]")))
                .as("uri is required")
                .isNotEmpty();
        assertThat(schemas.problems(
                        PROBE, JSON.readTree("[{\"uri\": \"builtin:stsb-en-dev\", \"objective\": \"mse\"}]")))
                .isNotEmpty();

        for (String owner : new String[] {"MergeJobRequest", "ModelInput"}) {
            assertThat(document.at("/components/schemas/" + owner + "/properties/probe/$ref")
                            .asString())
                    .isEqualTo(PROBE);
        }
        JsonNode request = JSON.readTree("""
                {"kind": "merge", "base": "file:./data/models/base",
                 "models": [{"uri": "file:./data/models/sts", "probe": [{"uri": "builtin:stsb-en-train"}]}],
                 "method": {"name": "self_positioning"}, "probe": %s}""".formatted(probe.path("example")));
        assertThat(schemas.problems("#/components/schemas/MergeJobRequest", request))
                .isEmpty();
    }
}
