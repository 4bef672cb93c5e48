package io.embedmerge.job;

import io.embedmerge.merge.MethodRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    private final MethodRegistry methods;

    JobService(JobRepository jobs, JobEventRepository events, JobEventLog eventLog,
               JobRequestValidator validator, RequestSizeCheck sizeCheck, JobDispatcher dispatcher, JobJson json,
               TransactionTemplate tx, Clock clock, ApplicationEventPublisher publisher, PoolRouting routing,
               MethodRegistry methods) {
        this.routing = routing;
        this.methods = methods;
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
    public record Submission(Job job, boolean replayed) {
    }

    public Submission submit(JobRequest request, String idempotencyKey) {
        IdempotencyKeys.check(idempotencyKey);
        sizeCheck.check(request);
        String body = json.write(request);
        String hash = JobJson.sha256(body);
        if (idempotencyKey != null) {
            var existing = jobs.findByIdempotencyKey(idempotencyKey);
            if (existing.isPresent()) {
                return replay(existing.get(), hash);
            }
        }
        validator.validate(request);
        String pool = routing.poolOf(request, methods);
        try {
            Job job = tx.execute(status -> {
                Job created = jobs.save(new Job(UUID.randomUUID(), request.kind(), pool, body, hash, idempotencyKey,
                        Instant.now(clock).truncatedTo(ChronoUnit.MICROS)));
                eventLog.append(created.getId(), "submitted", Map.of("status", JobStatus.QUEUED, "pool", pool));
                dispatcher.dispatch(created.getId(), pool);
                return created;
            });
            log.info("job {} submitted ({})", job.getId(), request.kind());
            return new Submission(job, false);
        } catch (DataIntegrityViolationException e) {
            if (idempotencyKey == null) {
                throw e;
            }
            return replay(jobs.findByIdempotencyKey(idempotencyKey).orElseThrow(() -> e), hash);
        }
    }

    private static Submission replay(Job existing, String hash) {
        if (!existing.getRequestHash().equals(hash)) {
            throw new JobConflictException("the Idempotency-Key was already used for job " + existing.getId()
                    + " with a different request body");
        }
        return new Submission(existing, true);
    }

    public Job get(UUID id) {
        return jobs.findById(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    public JobPage list(JobStatus status, String kind, String pageToken, int pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new JobValidationException(List.of(new FieldProblem("pageSize",
                    "must be between 1 and " + MAX_PAGE_SIZE)));
        }
        List<Specification<Job>> filters = new ArrayList<>();
        if (status != null) {
            filters.add((root, q, cb) -> cb.equal(root.get("status"), status));
        }
        if (kind != null) {
            filters.add((root, q, cb) -> cb.equal(root.get("kind"), kind));
        }
        if (pageToken != null && !pageToken.isBlank()) {
            PageToken after = PageToken.decode(pageToken);
            filters.add((root, q, cb) -> cb.or(
                    cb.lessThan(root.get("createdAt"), after.createdAt()),
                    cb.and(cb.equal(root.get("createdAt"), after.createdAt()), cb.lessThan(root.get("id"), after.id()))));
        }
        Specification<Job> spec = Specification.allOf(filters);
        List<Job> found = jobs.findAll(spec, PageRequest.of(0, pageSize + 1,
                Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id")))).getContent();
        if (found.size() <= pageSize) {
            return new JobPage(found, null);
        }
        List<Job> page = found.subList(0, pageSize);
        Job last = page.getLast();
        return new JobPage(page, new PageToken(last.getCreatedAt(), last.getId()).encode());
    }

    /**
     * Cancels a queued job at once; asks a running one to stop (it does so at its next batch or tensor). Both read
     * {@code cancelRequested} true from then on.
     */
    public Job cancel(UUID id) {
        Job job = tx.execute(status -> {
            Job locked = jobs.lockById(id).orElseThrow(() -> new JobNotFoundException(id));
            switch (locked.getStatus()) {
                case QUEUED -> {
                    locked.cancelQueued(Instant.now(clock));
                    dispatcher.withdraw(id, locked.getPool());
                    eventLog.append(id, "cancelled", Map.of("status", JobStatus.CANCELLED));
                }
                case RUNNING -> {
                    if (!locked.isCancelRequested()) {
                        locked.requestCancel();
                        eventLog.append(id, "cancel_requested", Map.of("status", JobStatus.RUNNING));
                    }
                }
                default -> throw new JobConflictException("job " + id + " is already " + locked.getStatus());
            }
            return locked;
        });
        if (job.getStatus() == JobStatus.RUNNING) {
            publisher.publishEvent(new JobCancelRequested(id));
        }
        log.info("job {} cancel: now {}", id, job.getStatus());
        return job;
    }

    public List<JobEvent> events(UUID id, long afterId, int limit) {
        if (!jobs.existsById(id)) {
            throw new JobNotFoundException(id);
        }
        return events.findByJobIdAndIdGreaterThanOrderByIdAsc(id, afterId, Limit.of(limit));
    }

    public JobRequest request(Job job) {
        return json.read(job.getRequest(), JobRequest.class);
    }

    public JobResult result(Job job) {
        return json.read(job.getResult(), JobResult.class);
    }
}
