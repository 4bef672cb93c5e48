package io.embedmerge.job;

import java.util.UUID;

/**
 * Published inside the transaction that changes a job's state, so that listeners can write in that same
 * transaction (the webhook outbox). {@code type} is job.succeeded, job.failed, job.cancelled or job.progress.
 */
public record JobStateChanged(UUID jobId, String type) {}
