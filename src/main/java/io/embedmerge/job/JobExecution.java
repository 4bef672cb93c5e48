package io.embedmerge.job;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * State transitions driven by workers. Each attempt holds a {@link RunTicket}; every update is conditional on the
 * ticket's attempt still being the current one, so a worker that was presumed dead cannot overwrite the result of
 * the attempt that replaced it.
 */
@Service
public class JobExecution {

    private static final Logger log = LoggerFactory.getLogger(JobExecution.class);

    private final JobRepository jobs;
    private final JobEventLog eventLog;
    private final JobJson json;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher publisher;

    JobExecution(
            JobRepository jobs,
            JobEventLog eventLog,
            JobJson json,
            TransactionTemplate tx,
            Clock clock,
            ApplicationEventPublisher publisher) {
        this.publisher = publisher;
        this.jobs = jobs;
        this.eventLog = eventLog;
        this.json = json;
        this.tx = tx;
        this.clock = clock;
    }

    /** Starts a new attempt, or returns empty if the job is gone or already finished. */
    public Optional<RunTicket> begin(UUID id, String workerId) {
        return tx.execute(status -> {
            Optional<Job> found = jobs.lockById(id);
            if (found.isEmpty() || found.get().getStatus().isTerminal()) {
                return Optional.<RunTicket>empty();
            }
            Job job = found.get();
            boolean resumed = job.getStatus() == JobStatus.RUNNING;
            job.start(workerId, Instant.now(clock));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("status", JobStatus.RUNNING);
            data.put("attempt", job.getAttempt());
            data.put("worker", workerId);
            if (resumed) {
                data.put("message", "resumed after the previous worker stopped sending heartbeats");
            }
            eventLog.append(id, "started", data);
            log.info("job {} attempt {} started on {}{}", id, job.getAttempt(), workerId, resumed ? " (resumed)" : "");
            return Optional.of(new RunTicket(
                    id, job.getAttempt(), json.read(job.getRequest(), JobRequest.class), job.getTenant()));
        });
    }

    /** Records progress; returns false when this attempt is no longer the job's current one. */
    public boolean progress(RunTicket ticket, JobProgress progress) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            int updated = jobs.updateProgress(
                    ticket.jobId(), ticket.attempt(), progress.stage(), progress.fraction(), progress.message());
            if (updated == 1) {
                eventLog.append(ticket.jobId(), "progress", progress);
                publisher.publishEvent(new JobStateChanged(ticket.jobId(), "job.progress"));
            }
            return updated == 1;
        }));
    }

    public boolean cancelRequested(RunTicket ticket) {
        return jobs.cancelRequested(ticket.jobId());
    }

    public boolean succeed(RunTicket ticket, JobResult result) {
        Long bytes = result.output() == null
                ? null
                : result.output().files().stream().mapToLong(f -> f.bytes()).sum();
        return finish(ticket, JobStatus.SUCCEEDED, json.write(result), bytes, null, null, "done", 1.0);
    }

    /** PostgreSQL text cannot hold NUL, and messages may quote names from user files; NULs are stored escaped. */
    public boolean fail(RunTicket ticket, String code, String message) {
        String storable = message == null ? null : message.replace("\0", "\\0");
        return finish(ticket, JobStatus.FAILED, null, null, code, storable, "failed", null);
    }

    public boolean cancelled(RunTicket ticket) {
        return finish(ticket, JobStatus.CANCELLED, null, null, null, null, "cancelled", null);
    }

    private boolean finish(
            RunTicket ticket,
            JobStatus status,
            String result,
            Long outputBytes,
            String code,
            String message,
            String stage,
            Double fraction) {
        Boolean done = tx.execute(s -> {
            int updated = jobs.finish(
                    ticket.jobId(),
                    ticket.attempt(),
                    status,
                    Instant.now(clock),
                    result,
                    outputBytes,
                    code,
                    message,
                    stage,
                    fraction);
            if (updated == 1) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("status", status);
                if (code != null) {
                    data.put("error", Map.of("code", code, "message", message));
                }
                eventLog.append(ticket.jobId(), status.name().toLowerCase(), data);
                publisher.publishEvent(new JobStateChanged(
                        ticket.jobId(), "job." + status.name().toLowerCase()));
            }
            return updated == 1;
        });
        if (Boolean.TRUE.equals(done)) {
            log.info(
                    "job {} attempt {} {}{}",
                    ticket.jobId(),
                    ticket.attempt(),
                    status,
                    code == null ? "" : ": " + code + " " + message);
        } else {
            log.warn(
                    "job {} attempt {} is no longer current; its {} was not recorded",
                    ticket.jobId(),
                    ticket.attempt(),
                    status);
        }
        return Boolean.TRUE.equals(done);
    }
}
