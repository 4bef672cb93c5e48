package io.embedmerge.api;

import io.embedmerge.job.Job;
import io.embedmerge.job.JobProgress;
import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.JobService;
import io.embedmerge.job.JobStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A job as the API shows it. */
@Schema(name = "Job")
public record JobView(
        UUID id,
        @Schema(example = "merge") String kind,
        JobStatus status,
        JobRequest request,
        JobProgress progress,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,

        @Schema(description = "Present when the job succeeded.")
        JobResult result,

        @Schema(description = "Present when the job failed.")
        JobError error,

        @Schema(description = "1 for the first run; higher when a job was resumed after its worker was lost.")
        int attempt,

        @Schema(description = "True once cancellation was requested, whether the job was queued or running.")
        boolean cancelRequested,

        @Schema(description = "The worker pool that runs it", example = "cpu")
        String pool,

        @Schema(description = "The instance that runs or ran it (merge.worker.id)", example = "host-4711-7f2c")
        String worker,

        @Schema(
                description = "Who submitted the job (the token's owner claim or the API key's owner).",
                example = "ci-bot")
        String owner,

        @Schema(
                description = "The tenant the job belongs to; only that tenant (and admins) can see it.",
                example = "team-a")
        String tenant,

        @Schema(
                description = "The request's metadata (labels).",
                example = "{\"argo-workflow\": \"nightly-merge-7f2c\"}")
        Map<String, String> metadata,

        @Schema(
                description = "Only in the submit response (also when replayed with its Idempotency-Key) of a job with "
                        + "`notify`: the whsec_ secret its webhook deliveries are signed with.",
                example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        String notifySecret) {

    /** Why a job failed: a stable code and a message naming the file, tensor or field at fault. */
    public record JobError(
            @Schema(
                    example = "INVALID_CHECKPOINT",
                    description = "INVALID_CHECKPOINT, INVALID_REQUEST, "
                            + "NON_FINITE_INPUT, NON_FINITE_OUTPUT, DISK_FULL, INVALID_ONNX, STORAGE_URI, "
                            + "STORAGE_UNAVAILABLE, FORBIDDEN_PATH, OUTPUT_EXISTS or INTERNAL")
            String code,

            @Schema(
                    example =
                            "tensor 'encoder.layer.0.attention.self.query.weight' has shape [384, 384] in models[1] but [768, 768] in the base")
            String message) {}

    public static JobView of(Job job, JobService jobs) {
        JobRequest request = jobs.request(job);
        return new JobView(
                job.getId(),
                job.getKind(),
                job.getStatus(),
                request,
                new JobProgress(job.getProgressStage(), job.getProgressFraction(), job.getProgressMessage()),
                job.getCreatedAt(),
                job.getStartedAt(),
                job.getFinishedAt(),
                jobs.result(job),
                job.getErrorCode() == null ? null : new JobError(job.getErrorCode(), job.getErrorMessage()),
                job.getAttempt(),
                job.isCancelRequested(),
                job.getPool(),
                job.getWorker(),
                job.getOwner(),
                job.getTenant(),
                request.metadata() == null ? Map.of() : request.metadata(),
                null);
    }

    JobView withNotifySecret(String secret) {
        return new JobView(
                id,
                kind,
                status,
                request,
                progress,
                createdAt,
                startedAt,
                finishedAt,
                result,
                error,
                attempt,
                cancelRequested,
                pool,
                worker,
                owner,
                tenant,
                metadata,
                secret);
    }
}
