package io.embedmerge.webhooks;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The body of POST /v1/webhooks. */
@Schema(name = "WebhookRegistration")
record WebhookRegistration(
        @Schema(
                description = "https URL (http only for hosts in merge.webhooks.allowed-http-hosts)",
                example = "https://ci.example.com/hooks/embed-merge",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String url,

        @ArraySchema(
                schema = @Schema(allowableValues = {"job.succeeded", "job.failed", "job.cancelled", "job.progress"}),
                arraySchema = @Schema(description = "Default: job.succeeded, job.failed and job.cancelled"))
        List<String> events,

        @Schema(description = "A note for people, at most 256 characters", example = "nightly merge pipeline")
        String description) {}
