package io.embedmerge.api;

import io.embedmerge.job.JobProgress;
import io.embedmerge.job.JobStatus;
import io.embedmerge.job.JobSummary;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** A job in a list: what a dashboard shows per row, without the request and result documents. */
@Schema(
        name = "JobSummary",
        description =
                "A job without its request, result and error message; " + "GET /v1/jobs/{id} or ?view=full for those.")
public record JobSummaryView(
        UUID id,
        @Schema(example = "merge") String kind,
        JobStatus status,
        JobProgress progress,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,

        @Schema(description = "The worker pool that runs it", example = "cpu")
        String pool,

        @Schema(description = "The tenant the job belongs to", example = "team-a")
        String tenant,

        @Schema(description = "Present when the job failed", example = "INVALID_CHECKPOINT")
        String errorCode) {

    static JobSummaryView of(JobSummary job) {
        return new JobSummaryView(
                job.id(),
                job.kind(),
                job.status(),
                job.progress(),
                job.createdAt(),
                job.startedAt(),
                job.finishedAt(),
                job.pool(),
                job.tenant(),
                job.errorCode());
    }
}
