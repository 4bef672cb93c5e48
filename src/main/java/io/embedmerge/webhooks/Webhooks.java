package io.embedmerge.webhooks;

import io.embedmerge.job.Caller;
import io.embedmerge.job.FieldProblem;
import io.embedmerge.job.JobNotify;
import io.embedmerge.job.JobService;
import io.embedmerge.job.JobValidationException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** A tenant's registered endpoints and the delivery history of its jobs. */
@Service
class Webhooks {

    private final WebhookEndpoints endpoints;
    private final UrlPolicy urls;
    private final JobService jobs;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final WebhookProperties properties;

    Webhooks(
            WebhookEndpoints endpoints,
            UrlPolicy urls,
            JobService jobs,
            JdbcClient jdbc,
            Clock clock,
            WebhookProperties properties) {
        this.endpoints = endpoints;
        this.urls = urls;
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    WebhookEndpoint register(Caller caller, WebhookRegistration request) {
        List<FieldProblem> problems = new ArrayList<>();
        urls.problem(request.url()).ifPresent(p -> problems.add(new FieldProblem("url", p)));
        List<String> events = request.events() == null || request.events().isEmpty()
                ? JobNotify.DEFAULT_EVENTS
                : request.events().stream().distinct().toList();
        for (int i = 0; i < events.size(); i++) {
            if (!JobNotify.EVENTS.contains(events.get(i))) {
                problems.add(new FieldProblem("events[" + i + "]", "must be one of " + JobNotify.EVENTS));
            }
        }
        if (request.description() != null && request.description().length() > 256) {
            problems.add(new FieldProblem("description", "must be at most 256 characters"));
        }
        if (endpoints.countOfTenant(caller.tenant()) >= properties.maxEndpointsPerTenant()) {
            problems.add(new FieldProblem(
                    "url",
                    "the tenant already has " + properties.maxEndpointsPerTenant()
                            + " webhooks (merge.webhooks.max-endpoints-per-tenant)"));
        }
        if (!problems.isEmpty()) {
            throw new JobValidationException(problems);
        }
        WebhookEndpoint endpoint = new WebhookEndpoint(
                UUID.randomUUID(),
                caller.tenant(),
                request.url(),
                events,
                SigningSecret.generate(),
                request.description(),
                clock.instant().truncatedTo(ChronoUnit.MICROS),
                null,
                null,
                0);
        endpoints.insert(endpoint);
        return endpoint;
    }

    List<WebhookEndpoint> list(Caller caller) {
        return endpoints.ofTenant(caller.tenant());
    }

    void delete(Caller caller, UUID id) {
        if (!endpoints.delete(caller.tenant(), id)) {
            throw new WebhookNotFoundException(id);
        }
    }

    WebhookEndpoint rotate(Caller caller, UUID id) {
        if (!endpoints.rotate(caller.tenant(), id, SigningSecret.generate())) {
            throw new WebhookNotFoundException(id);
        }
        return endpoints.find(caller.tenant(), id).orElseThrow(() -> new WebhookNotFoundException(id));
    }

    /** The job's deliveries, oldest first, with their attempts; 404 for a job the caller cannot see. */
    List<DeliveryView> deliveries(Caller caller, UUID jobId) {
        jobs.get(caller, jobId);
        Map<String, List<DeliveryView.Attempt>> attempts = new LinkedHashMap<>();
        jdbc.sql("""
                        select a.delivery_id, a.at, a.status_code, a.error, a.latency_ms from webhook_attempts a
                        join webhook_deliveries d on d.id = a.delivery_id where d.job_id = ? order by a.id""").param(jobId).query(rs -> {
            attempts.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                    .add(new DeliveryView.Attempt(
                            rs.getTimestamp(2).toInstant(), (Integer) rs.getObject(3), rs.getString(4), rs.getLong(5)));
        });
        return jdbc.sql("""
                        select id, event_type, endpoint_id, url, status, created_at, next_attempt_at, delivered_at
                        from webhook_deliveries where job_id = ? order by created_at, id""")
                .param(jobId)
                .query((rs, n) -> new DeliveryView(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getObject(3, UUID.class),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant(),
                        instant(rs.getTimestamp(7)),
                        instant(rs.getTimestamp(8)),
                        attempts.getOrDefault(rs.getString(1), List.of())))
                .list();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
