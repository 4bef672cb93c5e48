package io.embedmerge.webhooks;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Delivers the outbox: a poller thread claims due rows and posts each on its own virtual thread, so a slow or dead
 * receiver holds up neither jobs nor other deliveries. Nothing lives only in memory: a stop or crash leaves the
 * rows in the table for the next start (or another instance).
 */
@Component
public class DeliveryPoller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryPoller.class);

    private final DeliveryLog deliveries;
    private final WebhookProperties properties;
    private final Clock clock;
    private final WebhookSender sender;
    private ScheduledExecutorService poller;
    private ExecutorService senders;

    DeliveryPoller(DeliveryLog deliveries, WebhookProperties properties, Clock clock) {
        this.deliveries = deliveries;
        this.properties = properties;
        this.clock = clock;
        this.sender = new WebhookSender(properties, clock);
    }

    @Override
    public synchronized void start() {
        if (!properties.enabled() || isRunning()) {
            return;
        }
        senders = Executors.newVirtualThreadPerTaskExecutor();
        poller = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("webhook-poller").daemon().factory());
        poller.scheduleWithFixedDelay(this::poll, 0, properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (poller == null) {
            return;
        }
        poller.shutdownNow();
        senders.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller = null;
        senders = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return poller != null;
    }

    private void poll() {
        try {
            List<DueDelivery> due = deliveries.claim(clock.instant(), properties.claimLease(), properties.batchSize());
            ExecutorService pool = senders;
            for (DueDelivery delivery : due) {
                pool.execute(() -> deliver(delivery));
            }
        } catch (RuntimeException e) {
            log.warn("webhook poll failed: {}", e.toString());
        }
    }

    private void deliver(DueDelivery delivery) {
        DeliveryAttempt attempt = sender.send(delivery.url(), delivery.id(), delivery.secret(), delivery.payload());
        if (Thread.currentThread().isInterrupted()) {
            return; // stopping: the claim's lease runs out and the attempt is made again
        }
        Instant now = clock.instant();
        Instant retryAt = attempt.succeeded() ? null : retryAt(delivery.attempt(), now);
        if (!attempt.succeeded()) {
            log.info(
                    "webhook {} attempt {} to {} failed: {}{}",
                    delivery.id(),
                    delivery.attempt(),
                    delivery.url(),
                    attempt.statusCode() != null ? "HTTP " + attempt.statusCode() : attempt.error(),
                    retryAt == null ? "; giving up" : "");
        }
        deliveries.record(delivery, attempt, now, retryAt);
    }

    /** Exponential-ish schedule from configuration, lengthened by jitter so retries of many events spread out. */
    private Instant retryAt(int attempt, Instant now) {
        List<Duration> schedule = properties.retrySchedule();
        if (attempt > schedule.size()) {
            return null;
        }
        Duration wait = schedule.get(attempt - 1);
        long extra = (long) (wait.toMillis()
                * properties.jitter()
                * ThreadLocalRandom.current().nextDouble());
        return now.plus(wait).plusMillis(extra);
    }

    @jakarta.annotation.PreDestroy
    void close() throws IOException {
        sender.close();
    }
}
