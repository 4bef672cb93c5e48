package io.embedmerge.api;

import io.embedmerge.job.JobEvent;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

import java.time.Instant;

/** One entry of a job's history. */
@Schema(name = "JobEvent")
public record JobEventView(
        @Schema(description = "Increasing id; use as Last-Event-ID or `after` to resume.") long id,
        @Schema(description = "submitted, started, progress, cancel_requested, succeeded, failed or cancelled",
                example = "progress") String type,
        Instant at,
        @Schema(description = "Status for state events; stage, fraction and message for progress events.")
        JsonNode data) {

    static JobEventView of(JobEvent event, tools.jackson.databind.json.JsonMapper json) {
        return new JobEventView(event.getId(), event.getType(), event.getAt(), json.readTree(event.getData()));
    }
}
