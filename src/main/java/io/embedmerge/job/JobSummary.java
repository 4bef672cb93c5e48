package io.embedmerge.job;

import java.time.Instant;
import java.util.UUID;

/** A job without its request, result and error message: one row of a list. */
public record JobSummary(
        UUID id,
        String kind,
        JobStatus status,
        JobProgress progress,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String pool,
        String tenant,
        String errorCode) {}
