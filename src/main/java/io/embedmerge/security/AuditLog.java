package io.embedmerge.security;

import io.embedmerge.job.JobAudited;
import io.embedmerge.job.SubmitRefused;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * One audit record per submit, cancel and denied request: who, tenant, what, when, outcome. Submits and cancels are
 * also in the job's own events ({@code by}); denied requests belong to no job and are stored as job events of type
 * {@code denied} without a job id. Tokens and keys are never part of a record.
 */
@Component
class AuditLog {

    private static final Logger log = LoggerFactory.getLogger("io.embedmerge.audit");

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final Clock clock;

    AuditLog(JdbcTemplate jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @EventListener
    void on(JobAudited event) {
        log.info(
                "audit action={} outcome={} job={} owner={} tenant={}",
                event.action(),
                event.outcome(),
                event.jobId(),
                event.caller().owner(),
                event.caller().tenant());
    }

    @EventListener
    void on(SubmitRefused event) {
        denied(
                new TenantPrincipal(event.caller().owner(), event.caller().tenant(), java.util.Set.of()),
                "POST",
                "/v1/jobs",
                429,
                event.reason());
    }

    /** A request refused with the status; owner and tenant are null when the caller is not authenticated. */
    void denied(TenantPrincipal who, String method, String path, int status, String reason) {
        Instant now = Instant.now(clock);
        String owner = who == null ? null : who.owner();
        String tenant = who == null ? null : who.tenant();
        log.warn(
                "audit action={} {} outcome=denied status={} owner={} tenant={} reason={}",
                method,
                path,
                status,
                owner,
                tenant,
                reason);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action", method + " " + path);
        data.put("outcome", "denied");
        data.put("status", status);
        data.put("owner", owner);
        data.put("tenant", tenant);
        data.put("reason", reason);
        try {
            jdbc.update(
                    "insert into job_events (job_id, type, at, data) values (null, 'denied', ?, ?)",
                    Timestamp.from(now),
                    json.writeValueAsString(data));
        } catch (DataAccessException e) {
            log.warn("audit record of a denied request not stored: {}", e.getMessage());
        }
    }
}
