package io.embedmerge.security;

import io.embedmerge.job.Caller;
import io.embedmerge.job.JobService;
import io.embedmerge.job.QuotaExceededException;
import io.embedmerge.job.SubmitGate;
import io.embedmerge.job.TenantUsage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Refuses a submit while the tenant is at its quota of active jobs (retry in {@link #ACTIVE_RETRY}) or has written
 * its bytes for the day (retry at midnight UTC). A check before the insert: concurrent submits may overshoot by
 * the number of requests in flight.
 */
@Component
class TenantQuotas implements SubmitGate {

    static final Duration ACTIVE_RETRY = Duration.ofSeconds(30);

    private final TenantQuotaProperties properties;
    private final ObjectProvider<JobService> jobs;
    private final AuditLog audit;
    private final Clock clock;

    TenantQuotas(TenantQuotaProperties properties, ObjectProvider<JobService> jobs, AuditLog audit, Clock clock) {
        this.properties = properties;
        this.jobs = jobs;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void admit(Caller caller) {
        TenantQuotaProperties.Quota quota = properties.quotaOf(caller.tenant());
        if (quota.maxActiveJobs() == null && quota.maxBytesPerDay() == null) {
            return;
        }
        TenantUsage usage = jobs.getObject().usage(caller.tenant());
        if (quota.maxActiveJobs() != null && usage.activeJobs() >= quota.maxActiveJobs()) {
            throw refuse(caller, "active-jobs", ACTIVE_RETRY, "tenant '" + caller.tenant() + "' has "
                    + usage.activeJobs() + " queued or running jobs, its limit (max-active-jobs) is "
                    + quota.maxActiveJobs());
        }
        if (quota.maxBytesPerDay() != null && usage.bytesWrittenToday() >= quota.maxBytesPerDay().toBytes()) {
            Instant now = Instant.now(clock);
            Duration untilMidnight = Duration.between(now, now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)));
            throw refuse(caller, "bytes-per-day", untilMidnight, "tenant '" + caller.tenant() + "' wrote "
                    + usage.bytesWrittenToday() + " bytes today (UTC), its limit (max-bytes-per-day) is "
                    + quota.maxBytesPerDay().toBytes());
        }
    }

    private QuotaExceededException refuse(Caller caller, String limit, Duration retryAfter, String message) {
        audit.denied(new TenantPrincipal(caller.owner(), caller.tenant(), java.util.Set.of()), "POST", "/v1/jobs",
                429, message);
        return new QuotaExceededException(limit, retryAfter, message);
    }
}
