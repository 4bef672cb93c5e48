package io.embedmerge.job;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes a new job, its first event and its metadata labels in one statement: one round trip and no ORM flush on
 * the submit path, the API's most frequent write. PostgreSQL checks the events' and labels' foreign keys at the end
 * of the statement, when the job row exists.
 */
@Component
class NewJobInsert {

    private static final String SQL = """
            with job as (
                insert into jobs (id, kind, status, request, request_hash, idempotency_key, progress_stage,
                                  progress_fraction, progress_message, created_at, attempt, cancel_requested, pool,
                                  owner, tenant, notify_secret, version)
                values (:id, :kind, :status, :request, :requestHash, :idempotencyKey, :stage, :fraction, :message,
                        :createdAt, 0, false, :pool, :owner, :tenant, :notifySecret, 0)
                returning id),
            event as (
                insert into job_events (job_id, type, at, data) select id, :eventType, :createdAt, :eventData from job),
            labels as (
                insert into job_metadata (job_id, key, value)
                select job.id, label.key, label.value
                from job, unnest(cast(:keys as text[]), cast(:values as text[])) as label(key, value))
            select count(*) from job""";

    private final JdbcClient jdbc;

    NewJobInsert(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Joins the caller's transaction; a second job under the same tenant and idempotency key fails the insert. */
    void insert(Job job, Map<String, String> labels, String eventType, String eventData) {
        Map<String, String> metadata = labels == null ? Map.of() : labels;
        jdbc.sql(SQL)
                .param("id", job.getId())
                .param("kind", job.getKind())
                .param("status", job.getStatus().name())
                .param("request", job.getRequest())
                .param("requestHash", job.getRequestHash())
                .param("idempotencyKey", job.getIdempotencyKey())
                .param("stage", job.getProgressStage())
                .param("fraction", job.getProgressFraction())
                .param("message", job.getProgressMessage())
                .param("createdAt", OffsetDateTime.ofInstant(job.getCreatedAt(), ZoneOffset.UTC))
                .param("pool", job.getPool())
                .param("owner", job.getOwner())
                .param("tenant", job.getTenant())
                .param("notifySecret", job.getNotifySecret())
                .param("eventType", eventType)
                .param("eventData", eventData)
                .param("keys", metadata.keySet().toArray(String[]::new))
                .param("values", metadata.values().toArray(String[]::new))
                .query(Long.class)
                .single();
    }
}
