package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A per-job webhook: where to post which of the job's events. */
@Schema(
        name = "JobNotify",
        description = "Posts the job's events to `url` (Standard Webhooks 1.0), signed with the "
                + "`notifySecret` returned by the submit response.")
public record JobNotify(
        @Schema(
                description = "https URL (http only for hosts in merge.webhooks.allowed-http-hosts)",
                example = "https://ci.example.com/hooks/embed-merge",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String url,

        @ArraySchema(
                schema = @Schema(allowableValues = {"job.succeeded", "job.failed", "job.cancelled", "job.progress"}),
                arraySchema = @Schema(description = "Default: job.succeeded, job.failed and job.cancelled"))
        List<String> events) {

    public static final List<String> EVENTS = List.of("job.succeeded", "job.failed", "job.cancelled", "job.progress");
    public static final List<String> DEFAULT_EVENTS = List.of("job.succeeded", "job.failed", "job.cancelled");

    public List<String> effectiveEvents() {
        return events == null || events.isEmpty() ? DEFAULT_EVENTS : events;
    }
}
