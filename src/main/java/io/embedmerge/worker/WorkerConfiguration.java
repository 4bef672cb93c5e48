package io.embedmerge.worker;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.embedmerge.job.PoolRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * The job queue is db-scheduler's table in PostgreSQL, shared by every instance, with one task name per worker
 * pool ({@code merge-job-cpu}, {@code merge-job-gpu}). Each instance can submit (through a transaction-aware
 * client, so a job row and its queue entry commit together); instances with {@code merge.worker.enabled} run a
 * scheduler for each pool they serve, which knows only that pool's task and so never picks another pool's jobs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WorkerProperties.class)
class WorkerConfiguration {

    /** Queued jobs of a pool nobody serves stay queued: db-scheduler would otherwise delete them after 14 days. */
    private static final Duration KEEP_UNSERVED = Duration.ofDays(36_500);

    static String taskName(String pool) {
        return "merge-job-" + pool;
    }

    @Bean
    WorkerIdentity workerIdentity(WorkerProperties properties) {
        return WorkerIdentity.of(properties);
    }

    @Bean
    JobTasks jobTasks(ObjectProvider<JobRunner> runner) {
        Map<String, OneTimeTask<String>> tasks = new LinkedHashMap<>();
        for (String pool : PoolRouting.POOLS.stream().sorted().toList()) {
            tasks.put(
                    pool,
                    Tasks.oneTime(taskName(pool), String.class)
                            .execute((instance, context) ->
                                    runner.getObject().run(UUID.fromString(instance.getData()), pool)));
        }
        return new JobTasks(tasks);
    }

    @Bean
    SchedulerClient schedulerClient(DataSource dataSource, JobTasks tasks) {
        return SchedulerClient.Builder.create(
                        new TransactionAwareDataSourceProxy(dataSource), new ArrayList<Task<?>>(tasks.all()))
                .build();
    }

    @Bean
    @ConditionalOnProperty(name = "merge.worker.enabled", havingValue = "true", matchIfMissing = true)
    WorkerDevices workerDevices(WorkerProperties properties) {
        return properties.pools().contains("gpu")
                ? WorkerDevices.detect(properties.device())
                : new WorkerDevices(io.embedmerge.tensor.DeviceSelection.resolve("cpu", 0));
    }

    @Bean
    @ConditionalOnProperty(name = "merge.worker.enabled", havingValue = "true", matchIfMissing = true)
    WorkerPools workerPools(
            DataSource dataSource,
            JobTasks tasks,
            WorkerProperties properties,
            WorkerIdentity identity,
            WorkerDevices devices) {
        Map<String, java.util.function.Supplier<Scheduler>> schedulers = new LinkedHashMap<>();
        for (String pool : properties.pools()) {
            if (!PoolRouting.POOLS.contains(pool)) {
                throw new IllegalArgumentException(
                        "merge.worker.pools: unknown pool '" + pool + "'; pools are " + PoolRouting.POOLS);
            }
            int threads = pool.equals("gpu")
                    ? (properties.gpuConcurrency() != null
                            ? properties.gpuConcurrency()
                            : devices.selection().devices().size())
                    : properties.concurrency();
            schedulers.put(
                    pool,
                    () -> Scheduler.create(dataSource, List.of(tasks.of(pool)))
                            .threads(threads)
                            .pollingInterval(properties.pollingInterval())
                            .heartbeatInterval(properties.heartbeatInterval())
                            .missedHeartbeatsLimit(properties.missedHeartbeatsLimit())
                            .shutdownMaxWait(properties.shutdownMaxWait())
                            .deleteUnresolvedAfter(KEEP_UNSERVED)
                            .schedulerName(new SchedulerName.Fixed(identity.id() + "/" + pool))
                            .build());
        }
        return new WorkerPools(schedulers);
    }
}
