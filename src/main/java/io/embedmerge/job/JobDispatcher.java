package io.embedmerge.job;

import java.util.List;
import java.util.UUID;

/** Hands jobs to the worker pool; implemented by the worker package. */
public interface JobDispatcher {

    /** A new job and the pool whose workers run it. */
    record Queued(UUID jobId, String pool) {}

    /** Queues new jobs (never queued before) for the workers of their pools; joins the caller's transaction. */
    void dispatch(List<Queued> jobs);

    /** Removes a queued job from the queue if no worker has picked it yet. */
    void withdraw(UUID jobId, String pool);
}
