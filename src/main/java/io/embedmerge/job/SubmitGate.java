package io.embedmerge.job;

/**
 * Admission of a new job beyond its validity (quotas). Implemented outside the job package; throws
 * {@link QuotaExceededException} to refuse.
 */
public interface SubmitGate {

    void admit(Caller caller);
}
