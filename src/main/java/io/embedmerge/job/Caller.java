package io.embedmerge.job;

import java.util.Objects;

/**
 * Who submits or looks at jobs: the owner recorded on new jobs, the tenant that scopes every lookup, and whether
 * the caller may see all tenants' jobs. The API layer builds it from the authenticated principal; the job package
 * never reads the security context itself.
 */
public record Caller(String owner, String tenant, boolean admin) {

    /** The caller of the open local mode (no security configured): sees every job, as before tenancy existed. */
    public static final Caller LOCAL = new Caller("local", "default", true);

    public Caller {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(tenant, "tenant");
    }

    boolean sees(Job job) {
        return admin || tenant.equals(job.getTenant());
    }
}
