package io.embedmerge.worker;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import io.embedmerge.job.JobDispatcher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Queues jobs under their pool's task. Submissions go through the client, which the schedulers of this instance do
 * not see, so after the submitting transaction commits the local scheduler of that pool (if any) is woken: the job
 * starts at once instead of at the next poll. Other instances find it at their next poll.
 */
@Component
class DbSchedulerDispatcher implements JobDispatcher {

    private final SchedulerClient client;
    private final JobTasks tasks;
    private final ObjectProvider<WorkerPools> pools;
    private final Clock clock;

    DbSchedulerDispatcher(SchedulerClient client, JobTasks tasks, ObjectProvider<WorkerPools> pools, Clock clock) {
        this.client = client;
        this.tasks = tasks;
        this.pools = pools;
        this.clock = clock;
    }

    @Override
    public void dispatch(List<Queued> jobs) {
        // a plain insert: scheduleIfNotExists would first look for an execution a fresh job id cannot have
        client.scheduleBatch(
                jobs.stream()
                        .<TaskInstance<?>>map(j -> tasks.of(j.pool())
                                .instance(j.jobId().toString(), j.jobId().toString()))
                        .toList(),
                Instant.now(clock));
        WorkerPools local = pools.getIfAvailable();
        if (local == null) {
            return;
        }
        Set<String> queuedPools = jobs.stream().map(Queued::pool).collect(Collectors.toSet());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    queuedPools.forEach(local::wake);
                }
            });
        } else {
            queuedPools.forEach(local::wake);
        }
    }

    @Override
    public void withdraw(UUID jobId, String pool) {
        TaskInstanceId id = TaskInstanceId.of(WorkerConfiguration.taskName(pool), jobId.toString());
        try {
            client.getScheduledExecution(id).filter(e -> !e.isPicked()).ifPresent(e -> client.cancel(id));
        } catch (TaskInstanceCurrentlyExecutingException | TaskInstanceNotFoundException e) {
            // a worker picked it meanwhile: it finds the job cancelled when it begins, and ends the execution
        }
    }
}
