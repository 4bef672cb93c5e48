package io.embedmerge.job;

/** What a tenant uses now: jobs queued or running, and output bytes of the jobs that finished today (UTC). */
public record TenantUsage(long activeJobs, long bytesWrittenToday) {}
