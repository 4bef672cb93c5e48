package io.embedmerge.worker;

import com.github.kagkarlsson.scheduler.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * The schedulers of the pools this instance serves: started once the application is up, stopped (waiting for
 * running jobs) on shutdown. A db-scheduler instance cannot be restarted, so each start builds new ones.
 */
final class WorkerPools implements SmartLifecycle {

    private final Map<String, Supplier<Scheduler>> factories;
    private final Map<String, Scheduler> running = new LinkedHashMap<>();

    WorkerPools(Map<String, Supplier<Scheduler>> factories) {
        this.factories = factories;
    }

    /** Looks for due jobs of the pool now instead of at the next poll (a job was just queued here). */
    synchronized void wake(String pool) {
        Scheduler scheduler = running.get(pool);
        if (scheduler != null) {
            scheduler.triggerCheckForDueExecutions();
        }
    }

    @Override
    public synchronized void start() {
        if (running.isEmpty()) {
            factories.forEach((pool, factory) -> {
                Scheduler scheduler = factory.get();
                scheduler.start();
                running.put(pool, scheduler);
            });
        }
    }

    @Override
    public synchronized void stop() {
        running.values().forEach(Scheduler::stop);
        running.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return !running.isEmpty();
    }
}
