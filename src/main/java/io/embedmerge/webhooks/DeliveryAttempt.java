package io.embedmerge.webhooks;

/** The outcome of one POST: the status code (null when none came back), an error, and how long it took. */
record DeliveryAttempt(Integer statusCode, String error, long latencyMillis) {

    boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
