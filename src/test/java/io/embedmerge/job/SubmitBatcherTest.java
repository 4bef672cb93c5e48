package io.embedmerge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.job.NewJobInsert.NewJob;
import io.embedmerge.job.SubmitBatcher.Pending;
import io.embedmerge.support.IntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Jobs written together: each submit learns its own outcome, and nothing is half-written. */
class SubmitBatcherTest extends IntegrationTest {

    @Autowired
    SubmitBatcher batcher;

    @Autowired
    JdbcClient jdbc;

    private final String tenant = "batch-" + UUID.randomUUID();

    /** In the gpu pool, which no worker of this context serves: the jobs stay queued and are cancelled after. */
    private NewJob newJob(String idempotencyKey, Map<String, String> labels) {
        Job job = new Job(
                UUID.randomUUID(),
                new Caller("someone", tenant, false),
                "merge",
                "gpu",
                "{}",
                "hash",
                idempotencyKey,
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        return new NewJob(job, labels, "{\"status\": \"QUEUED\"}");
    }

    private long count(String sql, UUID id) {
        return jdbc.sql(sql).param("id", id).query(Long.class).single();
    }

    private void assertStoredWhole(NewJob written) {
        UUID id = written.job().getId();
        assertThat(count("select count(*) from jobs where id = :id", id)).isEqualTo(1);
        assertThat(count("select count(*) from job_events where job_id = :id and type = 'submitted'", id))
                .isEqualTo(1);
        assertThat(count("select count(*) from job_metadata where job_id = :id", id))
                .isEqualTo(written.labels() == null ? 0 : written.labels().size());
        assertThat(count("select count(*) from scheduled_tasks where task_instance = cast(:id as text)", id))
                .isEqualTo(1);
    }

    private void assertNothingStored(NewJob refused) {
        UUID id = refused.job().getId();
        assertThat(count("select count(*) from jobs where id = :id", id)).isZero();
        assertThat(count("select count(*) from job_events where job_id = :id", id))
                .isZero();
        assertThat(count("select count(*) from scheduled_tasks where task_instance = cast(:id as text)", id))
                .isZero();
    }

    private void cancel(List<NewJob> jobs) {
        for (NewJob job : jobs) {
            jdbc.sql("delete from scheduled_tasks where task_instance = cast(:id as text)")
                    .param("id", job.job().getId())
                    .update();
            jdbc.sql("update jobs set status = 'CANCELLED' where id = :id")
                    .param("id", job.job().getId())
                    .update();
        }
    }

    @Test
    void aBatchWithAnIdempotencyConflictFailsOnlyTheSubmitAtFault() {
        String key = "key-" + UUID.randomUUID();
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(newJob(i == 1 || i == 3 ? key : null, i == 2 ? Map.of("run", "r" + i, "stage", "a") : null));
        }
        List<Pending> batch = jobs.stream()
                .map(j -> new Pending(j, new CompletableFuture<>()))
                .toList();
        batcher.writeBatch(batch);

        for (int i = 0; i < 5; i++) {
            CompletableFuture<Void> written = batch.get(i).written();
            assertThat(written).isDone();
            if (i == 3) {
                assertThat(written).isCompletedExceptionally();
                assertThat(written.exceptionNow()).isInstanceOf(DataIntegrityViolationException.class);
                assertNothingStored(jobs.get(i));
            } else {
                assertThat(written).isCompleted().isNotCompletedExceptionally();
                assertStoredWhole(jobs.get(i));
            }
        }
        cancel(jobs);
    }

    @Autowired
    NewJobInsert inserts;

    @Autowired
    JobDispatcher dispatcher;

    @Autowired
    TransactionTemplate tx;

    @Test
    void afterShutdownASubmitFailsAtOnceInsteadOfWaitingForever() throws Exception {
        SubmitBatcher stopped = new SubmitBatcher(inserts, dispatcher, tx);
        stopped.destroy();
        NewJob job = newJob(null, null);
        assertThatThrownBy(() -> stopped.write(job))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shutting down");
        assertNothingStored(job);
    }

    @Test
    void concurrentWritesAreEachStoredOnceAndWhole() throws Exception {
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            jobs.add(newJob(null, Map.of("n", Integer.toString(i))));
        }
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new CountDownLatch(1);
            List<Future<?>> sent = new ArrayList<>();
            for (NewJob job : jobs) {
                sent.add(threads.submit(() -> {
                    start.await();
                    batcher.write(job);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : sent) {
                f.get();
            }
        }
        jobs.forEach(this::assertStoredWhole);
        assertThat(jdbc.sql("select count(*) from jobs where tenant = :tenant")
                        .param("tenant", tenant)
                        .query(Long.class)
                        .single())
                .isEqualTo(40);
        cancel(jobs);
    }
}
