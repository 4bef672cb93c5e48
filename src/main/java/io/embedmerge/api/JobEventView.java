package io.embedmerge.api;

import io.embedmerge.job.JobEvent;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** One entry of a job's history. */
@Schema(name = "JobEvent")
public record JobEventView(
        @Schema(description = "Increasing id; use as Last-Event-ID or `after` to resume.")
        long id,

        @Schema(
                description = "submitted, started, progress, cancel_requested, succeeded, failed or cancelled",
                example = "progress")
        String type,

        Instant at,

        @Schema(description = "Status for state events; stage, fraction and message for progress events.")
        Map<String, Object> data) {

    static JobEventView of(JobEvent event, JsonMapper json) {
        return new JobEventView(
                event.getId(),
                event.getType(),
                event.getAt(),
                json.readValue(event.getData(), new TypeReference<Map<String, Object>>() {}));
    }
}
