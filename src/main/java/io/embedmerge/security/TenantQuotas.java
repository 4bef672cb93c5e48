package io.embedmerge.security;

import io.embedmerge.job.Caller;
import io.embedmerge.job.JobService;
import io.embedmerge.job.QuotaExceededException;
import io.embedmerge.job.SubmitGate;
import io.embedmerge.job.TenantUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Refuses a submit while the tenant is at its quota of active jobs (retry in {@link #ACTIVE_RETRY}) or has written
 * its bytes for the day (retry at midnight UTC). Called inside the submit transaction after the tenant's submit
 * lock, so concurrent submits are counted one after the other and cannot overshoot.
 */
@Component
class TenantQuotas implements SubmitGate {

    static final Duration ACTIVE_RETRY = Duration.ofSeconds(30);

    private final TenantQuotaProperties properties;
    private final ObjectProvider<JobService> jobs;
    private final Clock clock;

    TenantQuotas(TenantQuotaProperties properties, ObjectProvider<JobService> jobs, Clock clock) {
        this.properties = properties;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Override
    public boolean limits(Caller caller) {
        TenantQuotaProperties.Quota quota = properties.quotaOf(caller.tenant());
        return quota.maxActiveJobs() != null || quota.maxBytesPerDay() != null;
    }

    @Override
    public void admit(Caller caller) {
        TenantQuotaProperties.Quota quota = properties.quotaOf(caller.tenant());
        if (quota.maxActiveJobs() == null && quota.maxBytesPerDay() == null) {
            return;
        }
        TenantUsage usage = jobs.getObject().usage(caller.tenant());
        if (quota.maxActiveJobs() != null && usage.activeJobs() >= quota.maxActiveJobs()) {
            throw refuse(
                    caller,
                    "active-jobs",
                    ACTIVE_RETRY,
                    "tenant '" + caller.tenant() + "' has "
                            + usage.activeJobs() + " queued or running jobs, its limit (max-active-jobs) is "
                            + quota.maxActiveJobs());
        }
        if (quota.maxBytesPerDay() != null
                && usage.bytesWrittenToday() >= quota.maxBytesPerDay().toBytes()) {
            Instant now = Instant.now(clock);
            Duration untilMidnight =
                    Duration.between(now, now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)));
            throw refuse(
                    caller,
                    "bytes-per-day",
                    untilMidnight,
                    "tenant '" + caller.tenant() + "' wrote "
                            + usage.bytesWrittenToday() + " bytes today (UTC), its limit (max-bytes-per-day) is "
                            + quota.maxBytesPerDay().toBytes());
        }
    }

    /** The refusal is audited by {@link AuditLog} once the submit transaction has rolled back. */
    private static QuotaExceededException refuse(Caller caller, String limit, Duration retryAfter, String message) {
        return new QuotaExceededException(limit, retryAfter, message);
    }
}
