package io.embedmerge.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One event for one receiver, with every attempt. */
@Schema(name = "WebhookDelivery")
record DeliveryView(
        @Schema(description = "The webhook-id header, the same on every retry", example = "msg_2c4e1f0d7a134d0a9a57")
        String id,

        @Schema(example = "job.succeeded") String type,

        @Schema(description = "The registered endpoint; absent for the job's own notify URL")
        UUID webhook,

        @Schema(example = "https://ci.example.com/hooks/embed-merge")
        String url,

        @Schema(allowableValues = {"PENDING", "DELIVERED", "FAILED"})
        String status,

        Instant createdAt,

        @Schema(description = "When the next attempt is due (PENDING)")
        Instant nextAttemptAt,

        Instant deliveredAt,
        List<Attempt> attempts) {

    /** One POST: the status code (absent when none came back), the error and the time it took. */
    @Schema(name = "WebhookAttempt")
    record Attempt(
            Instant at,
            @Schema(example = "503") Integer statusCode,

            @Schema(example = "SocketTimeoutException: Read timed out")
            String error,

            @Schema(example = "87") long latencyMillis) {}
}
