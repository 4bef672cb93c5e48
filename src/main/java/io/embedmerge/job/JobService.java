package io.embedmerge.job;

import io.embedmerge.merge.MethodRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Submission, lookup, listing and cancellation of jobs: the job package's surface for the API. */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    public static final int MAX_PAGE_SIZE = 200;

    private final JobRepository jobs;
    private final JobEventRepository events;
    private final JobEventLog eventLog;
    private final JobRequestValidator validator;
    private final RequestSizeCheck sizeCheck;
    private final JobDispatcher dispatcher;
    private final JobJson json;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher publisher;
    private final PoolRouting routing;
    private final NotifySecrets notifySecrets;
    private final MethodRegistry methods;
    private final SubmitGate gate;
    private final JobListQuery listQuery;
    private final SubmitBatcher writer;
    private final JobLookup lookup;

    JobService(
            JobRepository jobs,
            JobEventRepository events,
            JobEventLog eventLog,
            JobRequestValidator validator,
            RequestSizeCheck sizeCheck,
            JobDispatcher dispatcher,
            JobJson json,
            TransactionTemplate tx,
            Clock clock,
            ApplicationEventPublisher publisher,
            PoolRouting routing,
            MethodRegistry methods,
            ObjectProvider<SubmitGate> gate,
            NotifySecrets notifySecrets,
            JobListQuery listQuery,
            SubmitBatcher writer,
            JobLookup lookup) {
        this.lookup = lookup;
        this.listQuery = listQuery;
        this.writer = writer;
        this.notifySecrets = notifySecrets;
        this.routing = routing;
        this.methods = methods;
        this.gate = gate.getIfAvailable(() -> new SubmitGate() {
            @Override
            public void admit(Caller caller) {}

            @Override
            public boolean limits(Caller caller) {
                return false;
            }
        });
        this.jobs = jobs;
        this.events = events;
        this.eventLog = eventLog;
        this.validator = validator;
        this.sizeCheck = sizeCheck;
        this.dispatcher = dispatcher;
        this.json = json;
        this.tx = tx;
        this.clock = clock;
        this.publisher = publisher;
    }

    /** The job and whether it already existed under the idempotency key. */
    public record Submission(Job job, boolean replayed) {}

    /** The longest a {@code wait} may last. */
    public static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(60);

    private static final long WAIT_POLL_MILLIS = 200;

    /** Idempotency keys are per tenant: two tenants using the same key get two jobs. */
    public Submission submit(Caller caller, JobRequest request, String idempotencyKey) {
        IdempotencyKeys.check(idempotencyKey);
        sizeCheck.check(request);
        String body = json.write(request);
        String hash = JobJson.sha256(body);
        if (idempotencyKey != null) {
            var existing = jobs.findByTenantAndIdempotencyKey(caller.tenant(), idempotencyKey);
            if (existing.isPresent()) {
                return replay(caller, existing.get(), hash);
            }
        }
        validator.validate(request, caller.tenant());
        String pool = routing.poolOf(request, methods);
        try {
            Job created = new Job(
                            UUID.randomUUID(),
                            caller,
                            request.kind(),
                            pool,
                            body,
                            hash,
                            idempotencyKey,
                            Instant.now(clock).truncatedTo(ChronoUnit.MICROS))
                    .withNotifySecret(request.notification() == null ? null : notifySecrets.issue());
            var newJob = new NewJobInsert.NewJob(
                    created,
                    request.metadata(),
                    json.write(Map.of("status", JobStatus.QUEUED, "pool", pool, "by", by(caller))));
            if (gate.limits(caller)) {
                // quota check and insert under one per-tenant lock: concurrent submits cannot both pass the check
                tx.executeWithoutResult(status -> {
                    jobs.lockSubmitsOf(caller.tenant());
                    gate.admit(caller);
                    writer.writeInTransaction(List.of(newJob));
                });
            } else {
                writer.write(newJob);
            }
            log.debug("job {} submitted ({})", created.getId(), request.kind()); // the audit line logs it at info
            publisher.publishEvent(new JobAudited("submit", caller, created.getId(), "accepted"));
            return new Submission(created, false);
        } catch (QuotaExceededException e) {
            publisher.publishEvent(new SubmitRefused(caller, e.limit(), e.getMessage()));
            throw e;
        } catch (DataIntegrityViolationException e) {
            if (idempotencyKey == null) {
                throw e;
            }
            return replay(
                    caller,
                    jobs.findByTenantAndIdempotencyKey(caller.tenant(), idempotencyKey)
                            .orElseThrow(() -> e),
                    hash);
        }
    }

    private Submission replay(Caller caller, Job existing, String hash) {
        if (!existing.getRequestHash().equals(hash)) {
            publisher.publishEvent(new JobAudited("submit", caller, existing.getId(), "conflict"));
            throw new JobConflictException("the Idempotency-Key was already used for job " + existing.getId()
                    + " with a different request body");
        }
        publisher.publishEvent(new JobAudited("submit", caller, existing.getId(), "replayed"));
        return new Submission(existing, true);
    }

    private static Map<String, String> by(Caller caller) {
        return Map.of("owner", caller.owner(), "tenant", caller.tenant());
    }

    /** Another tenant's job answers as if it did not exist, so ids of other tenants cannot be probed. */
    public Job get(Caller caller, UUID id) {
        return lookup.byId(id).filter(caller::sees).orElseThrow(() -> new JobNotFoundException(id));
    }

    /** Queued and running jobs of the tenant, and the bytes its jobs published since the start of the UTC day. */
    public TenantUsage usage(String tenant) {
        Instant today = Instant.now(clock).truncatedTo(ChronoUnit.DAYS);
        return new TenantUsage(jobs.countActive(tenant), jobs.bytesWrittenSince(tenant, today));
    }

    /**
     * The job once it has ended, or as it is when {@code wait} has passed. Polls with short sleeps between
     * lookups, each its own short transaction, so no connection is held while waiting (virtual threads make the
     * sleeping request thread cheap).
     */
    public Job await(Caller caller, UUID id, java.time.Duration wait) {
        long deadline = System.nanoTime() + Math.min(wait.toNanos(), MAX_WAIT.toNanos());
        Job job = get(caller, id);
        while (!job.getStatus().isTerminal() && System.nanoTime() < deadline) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            try {
                Thread.sleep(Math.max(1, Math.min(WAIT_POLL_MILLIS, left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            job = get(caller, id);
        }
        return job;
    }

    public JobPage list(Caller caller, JobStatus status, String kind, String pageToken, int pageSize) {
        return list(caller, status, kind, Map.of(), pageToken, pageSize);
    }

    /** Summaries, newest first. Metadata filters are AND-ed: each must match the job's label of that key exactly. */
    public JobPage list(
            Caller caller,
            JobStatus status,
            String kind,
            Map<String, String> metadata,
            String pageToken,
            int pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new JobValidationException(
                    List.of(new FieldProblem("pageSize", "must be between 1 and " + MAX_PAGE_SIZE)));
        }
        PageToken after = pageToken == null || pageToken.isBlank() ? null : PageToken.decode(pageToken);
        List<JobSummary> found = listQuery.newestFirst(filter(caller, status, kind, metadata), after, pageSize + 1);
        if (found.size() <= pageSize) {
            return new JobPage(found, null);
        }
        List<JobSummary> page = found.subList(0, pageSize);
        JobSummary last = page.getLast();
        return new JobPage(page, new PageToken(last.createdAt(), last.id()).encode());
    }

    /**
     * The jobs with these ids, in the order given. An id the caller cannot see, unknown or another tenant's, fails
     * the whole lookup with the 404 of an unknown id, so that a group lookup cannot probe other tenants' ids either.
     */
    public List<Job> get(Caller caller, List<UUID> ids) {
        Map<UUID, Job> found = new HashMap<>();
        lookup.byIds(ids).forEach(job -> found.put(job.getId(), job));
        List<Job> ordered = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            Job job = found.get(id);
            if (job == null || !caller.sees(job)) {
                throw new JobNotFoundException(id);
            }
            ordered.add(job);
        }
        return ordered;
    }

    /**
     * The caller's jobs whose metadata match every filter (as in the list), oldest first. When more than
     * {@code limit} match, a 422 naming {@code limit} says so rather than leaving some out.
     */
    public List<Job> withMetadata(Caller caller, Map<String, String> metadata, int limit) {
        List<UUID> ids = listQuery.oldestFirstIds(filter(caller, null, null, metadata), limit + 1);
        if (ids.size() > limit) {
            throw new JobValidationException(List.of(new FieldProblem(
                    "limit",
                    "more than " + limit + " jobs match the metadata filters; narrow the filters or raise limit")));
        }
        return get(caller, ids);
    }

    /** The caller's jobs (every tenant's for admins). */
    private static JobListQuery.Filter filter(
            Caller caller, JobStatus status, String kind, Map<String, String> metadata) {
        return new JobListQuery.Filter(caller.admin() ? null : caller.tenant(), status, kind, metadata);
    }

    /**
     * Cancels a queued job at once; asks a running one to stop (it does so at its next batch or tensor). Both read
     * {@code cancelRequested} true from then on.
     */
    public Job cancel(Caller caller, UUID id) {
        Job job = tx.execute(status -> {
            Job locked = jobs.lockById(id).filter(caller::sees).orElseThrow(() -> new JobNotFoundException(id));
            switch (locked.getStatus()) {
                case QUEUED -> {
                    locked.cancelQueued(Instant.now(clock));
                    dispatcher.withdraw(id, locked.getPool());
                    eventLog.append(id, "cancelled", Map.of("status", JobStatus.CANCELLED, "by", by(caller)));
                    // listeners read the job with plain JDBC on this transaction's connection: write the change first
                    jobs.flush();
                    publisher.publishEvent(new JobStateChanged(id, "job.cancelled"));
                }
                case RUNNING -> {
                    if (!locked.isCancelRequested()) {
                        locked.requestCancel();
                        eventLog.append(id, "cancel_requested", Map.of("status", JobStatus.RUNNING, "by", by(caller)));
                    }
                }
                default -> {
                    publisher.publishEvent(new JobAudited("cancel", caller, id, "conflict"));
                    throw new JobConflictException("job " + id + " is already " + locked.getStatus());
                }
            }
            return locked;
        });
        if (job.getStatus() == JobStatus.RUNNING) {
            publisher.publishEvent(new JobCancelRequested(id));
        }
        log.info("job {} cancel: now {}", id, job.getStatus());
        publisher.publishEvent(
                new JobAudited("cancel", caller, id, job.getStatus().name().toLowerCase()));
        return job;
    }

    public List<JobEvent> events(Caller caller, UUID id, long afterId, int limit) {
        get(caller, id);
        return events.findByJobIdAndIdGreaterThanOrderByIdAsc(id, afterId, Limit.of(limit));
    }

    public JobRequest request(Job job) {
        return json.read(job.getRequest(), JobRequest.class);
    }

    public JobResult result(Job job) {
        return json.read(job.getResult(), JobResult.class);
    }
}
