package io.embedmerge.worker;

import io.embedmerge.job.JobExecution;
import io.embedmerge.job.JobProgress;
import io.embedmerge.job.RunTicket;
import io.embedmerge.merge.MergeMonitor;
import io.embedmerge.model.BatchListener;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a running job's stage, overall fraction and ETA to the job store and the log (at most every
 * {@code interval}), checks for cancellation, and tells the tensor listeners.
 *
 * <p>The runner gives each stage its {@link ProgressSpan} of the job ({@link #enter}); a stage's own progress is
 * mapped into that span, so the reported fraction covers the whole job and never decreases. The ETA follows from
 * the time since the job started and the fraction done.
 */
final class ProgressReporter implements MergeMonitor {

    private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);

    private final JobExecution execution;
    private final RunTicket ticket;
    private final long intervalNanos;
    private final List<TensorListener> listeners;
    private final BooleanSupplier cancelSignal;
    private final long startedAt = System.nanoTime();
    private ProgressSpan span = ProgressSpan.WHOLE;
    private ProgressSpan passSpan;
    private ProgressSpan writeSpan;
    private double fraction;
    private long lastReport;
    private long lastCancelCheck;
    private long lastTensorBytes;

    /** @param cancelSignal raised when this instance accepted a cancel request (checked at every batch) */
    ProgressReporter(
            JobExecution execution,
            RunTicket ticket,
            Duration interval,
            List<TensorListener> listeners,
            BooleanSupplier cancelSignal) {
        this.execution = execution;
        this.ticket = ticket;
        this.intervalNanos = interval.toNanos();
        this.listeners = listeners;
        this.cancelSignal = cancelSignal;
        // nanoTime has an arbitrary origin: the first report and the first database check are never held back
        this.lastReport = startedAt - intervalNanos;
        this.lastCancelCheck = startedAt - intervalNanos;
    }

    /** The span of the job that the current stage fills. */
    ProgressSpan span() {
        return span;
    }

    /** Gives the following stages {@code span} of the job. */
    void enter(ProgressSpan span) {
        this.span = span;
        passSpan = null;
        writeSpan = null;
    }

    /** Reports a new stage at once, at the fraction reached so far. */
    void stage(String stage, String message) {
        checkpoint();
        report(new JobProgress(stage, fraction, message));
    }

    /** Enters {@code span} and reports a new stage in it. */
    void stage(String stage, String message, ProgressSpan span) {
        enter(span);
        stage(stage, message);
    }

    /**
     * A listener for the batches of an encoder loop of the current stage: each batch moves the fraction through
     * the current span and checks for cancellation.
     */
    BatchListener batches(String stage, String label) {
        return units(stage, label, "batch");
    }

    /** As {@link #batches}, for a loop over other units (for example "tensor"). */
    BatchListener units(String stage, String label, String unit) {
        ProgressSpan within = span;
        return (done, total) ->
                advance(stage, within.at(done, total), done == total, label + ", " + unit + " " + done + "/" + total);
    }

    /**
     * Statistics passes of a merge: the number of passes is not known up front, so each pass fills half of what is
     * left of the merge's span before the write pass, which then fills the rest.
     */
    @Override
    public void stage(String pass) {
        ProgressSpan rest = span.after(fraction);
        passSpan = new ProgressSpan(rest.from(), rest.at(0.5));
        writeSpan = null;
        stage("statistics:" + pass, "statistics pass '" + pass + "' over all tensors");
    }

    @Override
    public void passProgress(String pass, int done, int total) {
        ProgressSpan within = passSpan != null ? passSpan : span;
        advance(
                "statistics:" + pass,
                within.at(done, total),
                done == total,
                "pass '" + pass + "': tensor " + done + "/" + total);
    }

    /** Step {@code done} of {@code total} of an iterative stage, with a message (for example the loss). */
    void step(String stage, int done, int total, String message) {
        advance(stage, span.at(done, total), done == total, "step " + done + "/" + total + ", " + message);
    }

    @Override
    public void tensorWritten(String name, int done, int total, long bytesWritten, long totalBytes) {
        long tensorBytes = bytesWritten - lastTensorBytes;
        lastTensorBytes = bytesWritten;
        listeners.forEach(l -> l.tensorWritten(name, tensorBytes));
        if (writeSpan == null) {
            writeSpan = passSpan != null ? span.after(passSpan.to()) : span;
        }
        double within = totalBytes == 0 ? 1.0 : (double) bytesWritten / totalBytes;
        advance("merging", writeSpan.at(within), done == total, "tensor " + done + "/" + total + " " + name);
    }

    /** Moves the job to {@code overall} (never back) and reports it unless the last report is too recent. */
    private void advance(String stage, double overall, boolean last, String message) {
        checkpoint();
        fraction = Math.max(fraction, overall);
        long now = System.nanoTime();
        if (!last && now - lastReport < intervalNanos) {
            return;
        }
        String line = message + eta(now);
        report(new JobProgress(stage, fraction, line));
        log.info("job {} {} {}%: {}", ticket.jobId(), stage, Math.round(fraction * 100), line);
    }

    private String eta(long now) {
        double elapsed = (now - startedAt) / 1e9;
        return fraction > 0 && fraction < 1 ? String.format(", ETA %.0f s", elapsed * (1 - fraction) / fraction) : "";
    }

    private void report(JobProgress progress) {
        lastReport = System.nanoTime();
        if (!execution.progress(ticket, progress)) {
            throw new JobCancelledException(true);
        }
    }

    /**
     * Throws when the job was cancelled: at once if this instance accepted the request, otherwise once the
     * database check (at most every {@code interval}) sees it.
     */
    @Override
    public void checkpoint() {
        if (cancelSignal.getAsBoolean()) {
            throw new JobCancelledException(false);
        }
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
