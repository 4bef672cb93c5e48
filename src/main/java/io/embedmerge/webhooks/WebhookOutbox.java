package io.embedmerge.webhooks;

import io.embedmerge.api.JobView;
import io.embedmerge.job.Caller;
import io.embedmerge.job.Job;
import io.embedmerge.job.JobNotify;
import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobService;
import io.embedmerge.job.JobStateChanged;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes one outbox row per event and receiver. A plain (synchronous) listener: it runs inside the transaction
 * that changes the job's state, so the event is recorded exactly when the change is, and never without it.
 */
@Component
class WebhookOutbox {

    private static final Caller SYSTEM = new Caller("webhooks", "system", true);

    private final JobService jobs;
    private final WebhookEndpoints endpoints;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    WebhookOutbox(JobService jobs, WebhookEndpoints endpoints, JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jobs = jobs;
        this.endpoints = endpoints;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    @EventListener
    void on(JobStateChanged change) {
        Job job = jobs.get(SYSTEM, change.jobId());
        JobRequest request = jobs.request(job);
        JobNotify notify = request.notification();
        boolean perJob = notify != null
                && job.getNotifySecret() != null
                && notify.effectiveEvents().contains(change.type());
        List<WebhookEndpoint> registered = endpoints.ofTenant(job.getTenant()).stream()
                .filter(e -> e.wants(change.type()))
                .toList();
        if (!perJob && registered.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", change.type());
        event.put("timestamp", now);
        event.put("data", JobView.of(job, jobs));
        String payload = json.writeValueAsString(event);
        if (perJob) {
            insert(job.getId(), null, notify.url(), job.getNotifySecret(), change.type(), payload, now);
        }
        registered.forEach(e -> insert(job.getId(), e.id(), e.url(), e.secret(), change.type(), payload, now));
    }

    private void insert(
            UUID jobId, UUID endpointId, String url, String secret, String type, String payload, Instant now) {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("""
                        insert into webhook_deliveries (id, job_id, endpoint_id, url, secret, event_type, payload,
                                                        created_at, status, attempts, next_attempt_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?)""")
                .params(id, jobId, endpointId, url, secret, type, payload, Timestamp.from(now), Timestamp.from(now))
                .update();
    }
}
