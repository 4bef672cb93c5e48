package io.embedmerge.worker;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import io.embedmerge.job.JobDispatcher;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

@Component
class DbSchedulerDispatcher implements JobDispatcher {

    private final SchedulerClient client;
    private final OneTimeTask<String> task;
    private final Clock clock;

    DbSchedulerDispatcher(SchedulerClient client, OneTimeTask<String> task, Clock clock) {
        this.client = client;
        this.task = task;
        this.clock = clock;
    }

    @Override
    public void dispatch(UUID jobId) {
        client.scheduleIfNotExists(task.instance(jobId.toString(), jobId.toString()), Instant.now(clock));
    }

    @Override
    public void withdraw(UUID jobId) {
        TaskInstanceId id = TaskInstanceId.of(WorkerConfiguration.TASK_NAME, jobId.toString());
        client.getScheduledExecution(id).filter(e -> !e.isPicked()).ifPresent(e -> client.cancel(id));
    }
}
