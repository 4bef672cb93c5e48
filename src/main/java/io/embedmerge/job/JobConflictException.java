package io.embedmerge.job;

/** The request conflicts with the job's state or with an earlier request under the same idempotency key. */
public class JobConflictException extends RuntimeException {

    public JobConflictException(String message) {
        super(message);
    }
}
