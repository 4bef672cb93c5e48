package io.embedmerge.job;

/**
 * Admission of a new job beyond its validity (quotas). Implemented outside the job package; throws
 * {@link QuotaExceededException} to refuse. Called inside the submit transaction while it holds the tenant's submit
 * lock, so what it counts cannot change until the job is inserted or refused.
 */
public interface SubmitGate {

    void admit(Caller caller);

    /** Whether {@link #admit} counts anything for this caller; submits are serialised per tenant only then. */
    default boolean limits(Caller caller) {
        return true;
    }
}
