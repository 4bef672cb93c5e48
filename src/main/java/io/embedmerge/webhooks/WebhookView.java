package io.embedmerge.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A registered endpoint as the API shows it; the secret only in the answers of create and rotate. */
@Schema(name = "Webhook")
record WebhookView(
        UUID id,

        @Schema(example = "https://ci.example.com/hooks/embed-merge")
        String url,

        @Schema(example = "[\"job.succeeded\", \"job.failed\"]")
        List<String> events,

        @Schema(example = "nightly merge pipeline") String description,
        Instant createdAt,

        @Schema(
                description =
                        "Only when created or rotated: the whsec_ signing secret; store it, it is not shown again",
                example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        String secret,

        @Schema(description = "When a delivery to it last failed for good (after all retries)")
        Instant lastFailureAt,

        @Schema(example = "delivery msg_2c4e… failed after 8 attempts; last: HTTP 503")
        String lastFailure,

        @Schema(description = "Deliveries that failed for good")
        long failedDeliveries) {

    static WebhookView of(WebhookEndpoint e, boolean withSecret) {
        return new WebhookView(
                e.id(),
                e.url(),
                e.events(),
                e.description(),
                e.createdAt(),
                withSecret ? e.secret() : null,
                e.lastFailureAt(),
                e.lastFailure(),
                e.failedDeliveries());
    }
}
