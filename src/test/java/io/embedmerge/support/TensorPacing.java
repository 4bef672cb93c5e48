package io.embedmerge.support;

import io.embedmerge.worker.TensorListener;

/**
 * Slows merges down so that tests can act while a job is running (cancel it, kill its worker). The delay per
 * tensor comes from the system property {@code test.tensor-delay-ms} or {@link #delayMillis}.
 */
public class TensorPacing implements TensorListener {

    public static volatile long delayMillis = Long.getLong("test.tensor-delay-ms", 0);

    @Override
    public void tensorWritten(String tensorName, long bytes) {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
