package io.embedmerge.job;

import io.embedmerge.job.NewJobInsert.NewJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the jobs of concurrent submits together, as PostgreSQL's group commit does for WAL: the submits waiting
 * when a writer is free share one transaction, one batched insert, one queue insert and one commit. A lone submit
 * is written at once (no delay to gather a batch); under load the batch grows with the queue. A submit returns
 * only after its batch committed. A batch failing on a unique key (an idempotency key used by two submits at once)
 * is retried one job per transaction, so that only the submit at fault fails.
 */
@Component
class SubmitBatcher implements DisposableBean {

    private static final int WRITERS = 2;
    private static final int MAX_BATCH = 256;
    private static final long CLOSED_CHECK_MILLIS = 200;

    /** A job waiting to be written, and how its submit learns the outcome. */
    record Pending(NewJob job, CompletableFuture<Void> written) {}

    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final NewJobInsert inserts;
    private final JobDispatcher dispatcher;
    private final TransactionTemplate tx;
    private final List<Thread> writers;
    private volatile boolean closed;

    SubmitBatcher(NewJobInsert inserts, JobDispatcher dispatcher, TransactionTemplate tx) {
        this.inserts = inserts;
        this.dispatcher = dispatcher;
        this.tx = tx;
        this.writers = IntStream.range(0, WRITERS)
                .mapToObj(i -> Thread.ofVirtual().name("submit-writer-" + i).start(this::writeWhatWaits))
                .toList();
    }

    /** Returns once the job is stored and queued; throws what writing it threw. */
    void write(NewJob job) {
        Pending pending = new Pending(job, new CompletableFuture<>());
        if (closed) {
            throw stopped();
        }
        waiting.add(pending);
        if (closed
                && waiting.remove(pending)) { // closed meanwhile, and not drained by destroy(): nobody would write it
            throw stopped();
        }
        try {
            pending.written().join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case RuntimeException cause -> throw cause;
                case Error cause -> throw cause;
                default -> throw e;
            }
        }
    }

    /** Stores and queues the jobs in the caller's transaction. */
    void writeInTransaction(List<NewJob> jobs) {
        inserts.insert(jobs);
        dispatcher.dispatch(jobs.stream()
                .map(j -> new JobDispatcher.Queued(j.job().getId(), j.job().getPool()))
                .toList());
    }

    /** Until closed; a writer is never interrupted, so a batch it has begun is always finished. */
    private void writeWhatWaits() {
        List<Pending> batch = new ArrayList<>();
        while (!closed) {
            Pending first;
            try {
                first = waiting.poll(CLOSED_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            waiting.drainTo(batch, MAX_BATCH - 1);
            writeBatch(batch);
            batch.clear();
        }
    }

    /** Completes each job's future: written, or failed with what failed it. */
    void writeBatch(List<Pending> batch) {
        try {
            tx.executeWithoutResult(status ->
                    writeInTransaction(batch.stream().map(Pending::job).toList()));
            batch.forEach(p -> p.written().complete(null));
        } catch (DataIntegrityViolationException e) {
            if (batch.size() == 1) {
                batch.getFirst().written().completeExceptionally(e);
            } else {
                batch.forEach(p -> writeBatch(List.of(p)));
            }
        } catch (Throwable e) {
            batch.forEach(p -> p.written().completeExceptionally(e));
        }
    }

    private static IllegalStateException stopped() {
        return new IllegalStateException("the service is shutting down: submits are no longer written");
    }

    /** Lets the writers finish their batch, then fails whatever still waits (the web server has stopped by now). */
    @Override
    public void destroy() throws InterruptedException {
        closed = true;
        for (Thread writer : writers) {
            writer.join(Duration.ofSeconds(30));
        }
        List<Pending> left = new ArrayList<>();
        waiting.drainTo(left);
        left.forEach(p -> p.written().completeExceptionally(stopped()));
    }
}
