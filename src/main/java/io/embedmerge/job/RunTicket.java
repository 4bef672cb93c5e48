package io.embedmerge.job;

import java.util.UUID;

/** The right of one attempt to run a job; updates from an older attempt than the job's current one are ignored. */
public record RunTicket(UUID jobId, int attempt, JobRequest request, String tenant) {}
