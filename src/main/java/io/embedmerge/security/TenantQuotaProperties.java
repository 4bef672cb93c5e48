package io.embedmerge.security;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Per-tenant quotas ({@code merge.tenants.<name>.max-active-jobs}, {@code .max-bytes-per-day}); a tenant without
 * its own falls back to {@code merge.tenants.default}'s, and without those is unlimited.
 */
@ConfigurationProperties("merge")
public record TenantQuotaProperties(@DefaultValue Map<String, Quota> tenants) {

    /** @param maxActiveJobs queued plus running jobs; @param maxBytesPerDay output bytes published per UTC day */
    public record Quota(Integer maxActiveJobs, DataSize maxBytesPerDay) {}

    Quota quotaOf(String tenant) {
        Quota own = tenants.get(tenant);
        Quota fallback = tenants.getOrDefault("default", new Quota(null, null));
        if (own == null) {
            return fallback;
        }
        return new Quota(
                own.maxActiveJobs() != null ? own.maxActiveJobs() : fallback.maxActiveJobs(),
                own.maxBytesPerDay() != null ? own.maxBytesPerDay() : fallback.maxBytesPerDay());
    }
}
