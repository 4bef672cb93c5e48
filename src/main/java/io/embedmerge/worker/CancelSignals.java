package io.embedmerge.worker;

import io.embedmerge.job.JobCancelRequested;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * In-memory cancel flags of the jobs running on this instance, raised when this instance accepts a cancel request,
 * so a batch loop notices it at its next batch without asking the database. Requests accepted by another instance
 * reach the job through {@link ProgressReporter}'s periodic database check instead.
 */
@Component
class CancelSignals {

    private final Map<UUID, AtomicBoolean> running = new ConcurrentHashMap<>();

    /** The flag of a job that starts running here; {@link #release} it when the attempt ends. */
    AtomicBoolean register(UUID jobId) {
        AtomicBoolean flag = new AtomicBoolean();
        running.put(jobId, flag);
        return flag;
    }

    void release(UUID jobId, AtomicBoolean flag) {
        running.remove(jobId, flag);
    }

    @EventListener
    void cancelRequested(JobCancelRequested event) {
        AtomicBoolean flag = running.get(event.jobId());
        if (flag != null) {
            flag.set(true);
        }
    }
}
