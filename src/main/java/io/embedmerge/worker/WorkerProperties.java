package io.embedmerge.worker;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker pool of this instance. A job whose worker stops sending heartbeats for
 * {@code heartbeatInterval × missedHeartbeatsLimit} is picked up again by another instance.
 *
 * @param missedHeartbeatsLimit at least 4 (db-scheduler's minimum)
 * @param enabled   false for an API-only instance (jobs are still queued, other instances run them)
 * @param id        name of this instance in the queue; default host name, process id and a random suffix
 * @param pools     the pools whose jobs this instance runs: {@code cpu}, {@code gpu} or both
 * @param device    where encoder jobs of the gpu pool run: {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param concurrency      jobs of the cpu pool at once
 * @param gpuConcurrency   jobs of the gpu pool at once; default one per device (each job on its own GPU)
 */
@ConfigurationProperties("merge.worker")
public record WorkerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") int concurrency,
        @DefaultValue("2s") Duration pollingInterval,
        @DefaultValue("10s") Duration heartbeatInterval,
        @DefaultValue("6") int missedHeartbeatsLimit,
        @DefaultValue("30s") Duration shutdownMaxWait,
        @DefaultValue("500ms") Duration progressInterval,
        String id,
        @DefaultValue({"cpu", "gpu"}) List<String> pools,
        @DefaultValue("auto") String device,
        Integer gpuConcurrency) {}
