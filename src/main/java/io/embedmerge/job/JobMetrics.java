package io.embedmerge.job;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges {@code merge.jobs{status}} and {@code merge.queue.depth{pool}} (what a pool's autoscaler watches),
 * refreshed from the database every few seconds.
 */
@Component
class JobMetrics {

    private final JobRepository jobs;
    private final Map<JobStatus, AtomicLong> counts = new EnumMap<>(JobStatus.class);
    private final Map<String, AtomicLong> queued = new TreeMap<>();

    JobMetrics(JobRepository jobs, MeterRegistry registry) {
        this.jobs = jobs;
        for (JobStatus status : JobStatus.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(status, count);
            Gauge.builder("merge.jobs", count, AtomicLong::get)
                    .tag("status", status.name())
                    .description("Jobs by status (all instances)")
                    .register(registry);
        }
        for (String pool : PoolRouting.POOLS) {
            AtomicLong count = new AtomicLong();
            queued.put(pool, count);
            Gauge.builder("merge.queue.depth", count, AtomicLong::get)
                    .tag("pool", pool)
                    .description("Jobs waiting for a worker of the pool")
                    .register(registry);
        }
    }

    @Scheduled(fixedDelayString = "${merge.metrics.refresh:5s}", initialDelay = 0)
    void refresh() {
        counts.values().forEach(c -> c.set(0));
        jobs.countByStatus().forEach(c -> counts.get(c.getStatus()).set(c.getJobs()));
        queued.values().forEach(c -> c.set(0));
        jobs.countQueuedByPool()
                .forEach(c -> queued.computeIfAbsent(c.getPool(), p -> new AtomicLong())
                        .set(c.getJobs()));
    }
}
