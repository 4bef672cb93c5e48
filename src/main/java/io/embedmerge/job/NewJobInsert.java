package io.embedmerge.job;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Component;

/**
 * Writes new jobs with their {@code submitted} event and metadata labels: one statement per job, all jobs of a
 * batch in one round trip, no ORM flush. PostgreSQL checks the event's and labels' foreign keys at the end of each
 * statement, when the job row exists.
 */
@Component
class NewJobInsert {

    /** A job to write, its labels (may be null) and the JSON data of its {@code submitted} event. */
    record NewJob(Job job, Map<String, String> labels, String submittedEvent) {}

    // the outer statement is an insert, not a select, so that the statement can be batched
    private static final String SQL = """
            with job as (
                insert into jobs (id, kind, status, request, request_hash, idempotency_key, progress_stage,
                                  progress_fraction, progress_message, created_at, attempt, cancel_requested, pool,
                                  owner, tenant, notify_secret, version)
                values (:id, :kind, :status, :request, :requestHash, :idempotencyKey, :stage, :fraction, :message,
                        :createdAt, 0, false, :pool, :owner, :tenant, :notifySecret, 0)
                returning id),
            event as (
                insert into job_events (job_id, type, at, data) select id, 'submitted', :createdAt, :eventData from job)
            insert into job_metadata (job_id, key, value)
            select job.id, label.key, label.value
            from job, unnest(cast(:keys as text[]), cast(:values as text[])) as label(key, value)""";

    private final NamedParameterJdbcTemplate jdbc;

    NewJobInsert(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Joins the caller's transaction; a job reusing a tenant's idempotency key fails the whole batch. */
    void insert(List<NewJob> jobs) {
        jdbc.batchUpdate(SQL, jobs.stream().map(NewJobInsert::parameters).toArray(SqlParameterSource[]::new));
    }

    private static SqlParameterSource parameters(NewJob newJob) {
        Job job = newJob.job();
        Map<String, String> labels = newJob.labels() == null ? Map.of() : newJob.labels();
        return new MapSqlParameterSource()
                .addValue("id", job.getId())
                .addValue("kind", job.getKind())
                .addValue("status", job.getStatus().name())
                .addValue("request", job.getRequest())
                .addValue("requestHash", job.getRequestHash())
                .addValue("idempotencyKey", job.getIdempotencyKey())
                .addValue("stage", job.getProgressStage())
                .addValue("fraction", job.getProgressFraction())
                .addValue("message", job.getProgressMessage())
                .addValue("createdAt", OffsetDateTime.ofInstant(job.getCreatedAt(), ZoneOffset.UTC))
                .addValue("pool", job.getPool())
                .addValue("owner", job.getOwner())
                .addValue("tenant", job.getTenant())
                .addValue("notifySecret", job.getNotifySecret())
                .addValue("eventData", newJob.submittedEvent())
                .addValue("keys", labels.keySet().toArray(String[]::new))
                .addValue("values", labels.values().toArray(String[]::new));
    }
}
