package io.embedmerge.worker;

import io.embedmerge.job.JobExecution;
import io.embedmerge.job.JobProgress;
import io.embedmerge.job.RunTicket;
import io.embedmerge.merge.MergeMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Reports a running job's stage, fraction and ETA to the job store and the log (at most every
 * {@code interval}), checks for cancellation, and tells the tensor listeners.
 */
final class ProgressReporter implements MergeMonitor {

    private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);

    private final JobExecution execution;
    private final RunTicket ticket;
    private final long intervalNanos;
    private final List<TensorListener> listeners;
    private long stageStartedAt = System.nanoTime();
    private long lastReport;
    private long lastCancelCheck;
    private long lastTensorBytes;

    ProgressReporter(JobExecution execution, RunTicket ticket, Duration interval, List<TensorListener> listeners) {
        this.execution = execution;
        this.ticket = ticket;
        this.intervalNanos = interval.toNanos();
        this.listeners = listeners;
    }

    /** Reports a new stage at once. */
    void stage(String stage, String message) {
        stageStartedAt = System.nanoTime();
        report(new JobProgress(stage, 0.0, message));
    }

    @Override
    public void stage(String pass) {
        stage("statistics:" + pass, "statistics pass '" + pass + "' over all tensors");
    }

    @Override
    public void passProgress(String pass, int done, int total) {
        long now = System.nanoTime();
        if (done < total && now - lastReport < intervalNanos) {
            return;
        }
        double fraction = (double) done / total;
        String message = "pass '" + pass + "': tensor " + done + "/" + total + eta(fraction, now);
        report(new JobProgress("statistics:" + pass, fraction, message));
        log.info("job {} {}", ticket.jobId(), message);
    }

    /** Step {@code done} of {@code total} of an iterative stage, with a message (for example the loss). */
    void step(String stage, int done, int total, String message) {
        checkpoint();
        long now = System.nanoTime();
        if (done < total && now - lastReport < intervalNanos) {
            return;
        }
        double fraction = (double) done / total;
        String line = "step " + done + "/" + total + ", " + message + eta(fraction, now);
        report(new JobProgress(stage, fraction, line));
        log.info("job {} {}: {}", ticket.jobId(), stage, line);
    }

    private String eta(double fraction, long now) {
        double elapsed = (now - stageStartedAt) / 1e9;
        return fraction > 0 && fraction < 1 ? String.format(", ETA %.0f s", elapsed * (1 - fraction) / fraction) : "";
    }

    @Override
    public void tensorWritten(String name, int done, int total, long bytesWritten, long totalBytes) {
        long tensorBytes = bytesWritten - lastTensorBytes;
        lastTensorBytes = bytesWritten;
        listeners.forEach(l -> l.tensorWritten(name, tensorBytes));
        long now = System.nanoTime();
        if (done < total && now - lastReport < intervalNanos) {
            return;
        }
        double fraction = totalBytes == 0 ? 1.0 : (double) bytesWritten / totalBytes;
        String message = "tensor " + done + "/" + total + " " + name + eta(fraction, now);
        report(new JobProgress("merging", fraction, message));
        log.info("job {} merging {}% {}", ticket.jobId(), Math.round(fraction * 100), message);
    }

    private void report(JobProgress progress) {
        lastReport = System.nanoTime();
        if (!execution.progress(ticket, progress)) {
            throw new JobCancelledException(true);
        }
    }

    @Override
    public void checkpoint() {
        long now = System.nanoTime();
        if (now - lastCancelCheck < intervalNanos) {
            return;
        }
        lastCancelCheck = now;
        if (execution.cancelRequested(ticket)) {
            throw new JobCancelledException(false);
        }
    }
}
