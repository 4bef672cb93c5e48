package io.embedmerge.api;

import io.embedmerge.job.Caller;
import io.embedmerge.job.JobEvent;
import io.embedmerge.job.JobService;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live event streams. Events are read from the database (any instance may be running the job), polled every
 * half second per open stream, and the stream completes once the job has ended and its last event was sent.
 */
@Component
class JobEventStreams {

    private static final long POLL_MILLIS = 500;
    private static final int BATCH = 500;
    private static final Duration MAX_STREAM = Duration.ofHours(6);

    private final JobService jobs;
    private final JsonMapper json;
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("event-stream-", 0).daemon().factory());

    JobEventStreams(JobService jobs, JsonMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    SseEmitter open(Caller caller, UUID jobId, long afterId) {
        SseEmitter emitter = new SseEmitter(MAX_STREAM.toMillis());
        Stream stream = new Stream(caller, jobId, afterId, emitter);
        emitter.onCompletion(stream::stop);
        emitter.onTimeout(stream::stop);
        emitter.onError(e -> stream.stop());
        stream.future = poller.scheduleWithFixedDelay(stream, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (stream.stopped) {
            stream.future.cancel(false);
        }
        return emitter;
    }

    private final class Stream implements Runnable {
        private final Caller caller;
        private final UUID jobId;
        private final SseEmitter emitter;
        private long lastId;
        volatile ScheduledFuture<?> future;
        volatile boolean stopped;

        Stream(Caller caller, UUID jobId, long afterId, SseEmitter emitter) {
            this.caller = caller;
            this.jobId = jobId;
            this.lastId = afterId;
            this.emitter = emitter;
        }

        @Override
        public void run() {
            if (stopped) {
                return;
            }
            try {
                boolean ended = jobs.get(caller, jobId).getStatus().isTerminal();
                List<JobEvent> batch = jobs.events(caller, jobId, lastId, BATCH);
                for (JobEvent event : batch) {
                    emitter.send(SseEmitter.event()
                            .id(String.valueOf(event.getId()))
                            .name(event.getType())
                            .data(JobEventView.of(event, json), MediaType.APPLICATION_JSON));
                    lastId = event.getId();
                }
                if (ended && batch.size() < BATCH) {
                    emitter.complete();
                    stop();
                }
            } catch (IOException | IllegalStateException e) {
                stop();
            } catch (RuntimeException e) {
                emitter.completeWithError(e);
                stop();
            }
        }

        void stop() {
            stopped = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    @PreDestroy
    void shutdown() {
        poller.shutdownNow();
    }
}
