package io.embedmerge.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A registered endpoint of a tenant. */
record WebhookEndpoint(
        UUID id,
        String tenant,
        String url,
        List<String> events,
        String secret,
        String description,
        Instant createdAt,
        Instant lastFailureAt,
        String lastFailure,
        long failedDeliveries) {

    boolean wants(String eventType) {
        return events.contains(eventType);
    }
}
