package io.embedmerge.job;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One entry of a job's ordered history (state changes and progress); {@code data} is JSON. */
@Entity
@Table(name = "job_events")
public class JobEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private UUID jobId;
    private String type;
    private Instant at;
    private String data;

    protected JobEvent() {}

    JobEvent(UUID jobId, String type, Instant at, String data) {
        this.jobId = jobId;
        this.type = type;
        this.at = at;
        this.data = data;
    }

    public Long getId() {
        return id;
    }

    public UUID getJobId() {
        return jobId;
    }

    public String getType() {
        return type;
    }

    public Instant getAt() {
        return at;
    }

    public String getData() {
        return data;
    }
}
