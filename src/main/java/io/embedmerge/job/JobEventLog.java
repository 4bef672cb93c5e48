package io.embedmerge.job;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Appends to a job's event history (in the caller's transaction). */
@Component
class JobEventLog {

    private final JobEventRepository events;
    private final JobJson json;
    private final Clock clock;

    JobEventLog(JobEventRepository events, JobJson json, Clock clock) {
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    void append(UUID jobId, String type, Object data) {
        events.save(new JobEvent(jobId, type, Instant.now(clock), json.write(data)));
    }
}
