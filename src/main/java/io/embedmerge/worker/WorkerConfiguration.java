package io.embedmerge.worker;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

import javax.sql.DataSource;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The job queue is db-scheduler's table in PostgreSQL, shared by every instance. Each instance can submit (through
 * a transaction-aware client, so a job row and its queue entry commit together); instances with
 * {@code merge.worker.enabled} also poll and run jobs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WorkerProperties.class)
class WorkerConfiguration {

    static final String TASK_NAME = "job";

    @Bean
    WorkerIdentity workerIdentity(WorkerProperties properties) {
        return WorkerIdentity.of(properties);
    }

    @Bean
    OneTimeTask<String> jobTask(ObjectProvider<JobRunner> runner) {
        return Tasks.oneTime(TASK_NAME, String.class)
                .execute((instance, context) -> runner.getObject().run(UUID.fromString(instance.getData())));
    }

    @Bean
    SchedulerClient schedulerClient(DataSource dataSource, OneTimeTask<String> jobTask) {
        return SchedulerClient.Builder.create(new TransactionAwareDataSourceProxy(dataSource), jobTask).build();
    }

    @Bean
    @ConditionalOnProperty(name = "merge.worker.enabled", havingValue = "true", matchIfMissing = true)
    WorkerPool workerPool(DataSource dataSource, OneTimeTask<String> jobTask, WorkerProperties properties,
                          WorkerIdentity identity) {
        return new WorkerPool(() -> Scheduler.create(dataSource, jobTask)
                .threads(properties.concurrency())
                .pollingInterval(properties.pollingInterval())
                .heartbeatInterval(properties.heartbeatInterval())
                .missedHeartbeatsLimit(properties.missedHeartbeatsLimit())
                .shutdownMaxWait(properties.shutdownMaxWait())
                .schedulerName(new SchedulerName.Fixed(identity.id()))
                .enableImmediateExecution()
                .build());
    }

    /**
     * Starts polling once the application is up and stops (waiting for running jobs) on shutdown. A db-scheduler
     * instance cannot be restarted, so each start builds a new one (contexts may be stopped and started again).
     */
    static final class WorkerPool implements SmartLifecycle {
        private final Supplier<Scheduler> schedulers;
        private Scheduler scheduler;

        WorkerPool(Supplier<Scheduler> schedulers) {
            this.schedulers = schedulers;
        }

        @Override
        public synchronized void start() {
            if (scheduler == null) {
                scheduler = schedulers.get();
                scheduler.start();
            }
        }

        @Override
        public synchronized void stop() {
            if (scheduler != null) {
                scheduler.stop();
                scheduler = null;
            }
        }

        @Override
        public synchronized boolean isRunning() {
            return scheduler != null;
        }
    }
}
