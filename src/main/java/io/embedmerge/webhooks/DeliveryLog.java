package io.embedmerge.webhooks;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** Claims due deliveries and records the outcome of each attempt. */
@Repository
class DeliveryLog {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final WebhookEndpoints endpoints;

    DeliveryLog(JdbcClient jdbc, TransactionTemplate tx, WebhookEndpoints endpoints) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.endpoints = endpoints;
    }

    /**
     * Claims up to {@code limit} due deliveries: SKIP LOCKED lets several instances poll side by side, and moving
     * next_attempt_at past the lease hides a claimed row from them; if this instance dies mid-attempt, the row is
     * due again when the lease ends.
     */
    List<DueDelivery> claim(Instant now, Duration lease, int limit) {
        return tx.execute(s -> jdbc.sql("""
                        update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = ?
                        from (select id from webhook_deliveries
                              where status = 'PENDING' and next_attempt_at <= ?
                              order by next_attempt_at limit ? for update skip locked) due
                        where d.id = due.id
                        returning d.id, d.endpoint_id, d.url, d.secret, d.payload, d.attempts""")
                .params(Timestamp.from(now.plus(lease)), Timestamp.from(now), limit)
                .query((rs, n) -> new DueDelivery(
                        rs.getString("id"),
                        rs.getObject("endpoint_id", UUID.class),
                        rs.getString("url"),
                        rs.getString("secret"),
                        rs.getString("payload"),
                        rs.getInt("attempts")))
                .list());
    }

    /** Records the attempt; then the delivery is done, due again at {@code retryAt}, or (retryAt null) failed. */
    void record(DueDelivery delivery, DeliveryAttempt attempt, Instant at, Instant retryAt) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("""
                            insert into webhook_attempts (delivery_id, at, status_code, error, latency_ms)
                            values (?, ?, ?, ?, ?)""")
                    .params(
                            delivery.id(),
                            Timestamp.from(at),
                            attempt.statusCode(),
                            attempt.error(),
                            attempt.latencyMillis())
                    .update();
            if (attempt.succeeded()) {
                jdbc.sql("""
                                update webhook_deliveries set status = 'DELIVERED', delivered_at = ?,
                                       next_attempt_at = null where id = ?""").params(Timestamp.from(at), delivery.id()).update();
            } else if (retryAt != null) {
                jdbc.sql("update webhook_deliveries set next_attempt_at = ? where id = ?")
                        .params(Timestamp.from(retryAt), delivery.id())
                        .update();
            } else {
                jdbc.sql("update webhook_deliveries set status = 'FAILED', next_attempt_at = null where id = ?")
                        .params(delivery.id())
                        .update();
                if (delivery.endpointId() != null) {
                    endpoints.markFailure(
                            delivery.endpointId(),
                            at,
                            "delivery " + delivery.id() + " failed after " + delivery.attempt() + " attempts; last: "
                                    + describe(attempt));
                }
            }
        });
    }

    private static String describe(DeliveryAttempt attempt) {
        return attempt.statusCode() != null ? "HTTP " + attempt.statusCode() : attempt.error();
    }
}
