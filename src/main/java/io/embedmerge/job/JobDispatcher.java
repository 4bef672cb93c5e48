package io.embedmerge.job;

import java.util.UUID;

/** Hands jobs to the worker pool; implemented by the worker package. */
public interface JobDispatcher {

    /** Queues a new job (never queued before) for a worker of {@code pool}; joins the caller's transaction. */
    void dispatch(UUID jobId, String pool);

    /** Removes a queued job from the queue if no worker has picked it yet. */
    void withdraw(UUID jobId, String pool);
}
