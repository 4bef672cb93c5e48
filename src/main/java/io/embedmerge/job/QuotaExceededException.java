package io.embedmerge.job;

import java.time.Duration;

/** A tenant is over one of its quotas; {@code limit} names it (e.g. {@code active-jobs}), retry after the duration. */
public class QuotaExceededException extends RuntimeException {

    private final String limit;
    private final Duration retryAfter;

    public QuotaExceededException(String limit, Duration retryAfter, String message) {
        super(message);
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    public String limit() {
        return limit;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
