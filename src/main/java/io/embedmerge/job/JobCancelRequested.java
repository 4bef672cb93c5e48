package io.embedmerge.job;

import java.util.UUID;

/** Published (after commit) on the instance that accepted a cancel request for a running job. */
public record JobCancelRequested(UUID jobId) {}
