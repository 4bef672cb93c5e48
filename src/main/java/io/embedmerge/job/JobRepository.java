package io.embedmerge.job;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface JobRepository extends JpaRepository<Job, UUID> {

    Optional<Job> findByTenantAndIdempotencyKey(String tenant, String idempotencyKey);

    @Query("""
            select count(j) from Job j where j.tenant = :tenant
            and j.status in (io.embedmerge.job.JobStatus.QUEUED, io.embedmerge.job.JobStatus.RUNNING)""")
    long countActive(@Param("tenant") String tenant);

    @Query("select coalesce(sum(j.outputBytes), 0) from Job j where j.tenant = :tenant and j.finishedAt >= :since")
    long bytesWrittenSince(@Param("tenant") String tenant, @Param("since") Instant since);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select j from Job j where j.id = :id")
    Optional<Job> lockById(@Param("id") UUID id);

    /** Progress of the current attempt only: an update from a superseded attempt changes nothing. */
    @Modifying
    @Query("""
            update Job j set j.progressStage = :stage, j.progressFraction = :fraction, j.progressMessage = :message,
                   j.version = j.version + 1
            where j.id = :id and j.attempt = :attempt and j.status = io.embedmerge.job.JobStatus.RUNNING""")
    int updateProgress(
            @Param("id") UUID id,
            @Param("attempt") int attempt,
            @Param("stage") String stage,
            @Param("fraction") double fraction,
            @Param("message") String message);

    @Modifying
    @Query("""
            update Job j set j.status = :status, j.finishedAt = :now, j.result = :result, j.outputBytes = :outputBytes,
                   j.errorCode = :errorCode, j.errorMessage = :errorMessage, j.progressStage = :stage,
                   j.progressFraction = :fraction, j.progressMessage = null, j.version = j.version + 1
            where j.id = :id and j.attempt = :attempt and j.status = io.embedmerge.job.JobStatus.RUNNING""")
    int finish(
            @Param("id") UUID id,
            @Param("attempt") int attempt,
            @Param("status") JobStatus status,
            @Param("now") Instant now,
            @Param("result") String result,
            @Param("outputBytes") Long outputBytes,
            @Param("errorCode") String errorCode,
            @Param("errorMessage") String errorMessage,
            @Param("stage") String stage,
            @Param("fraction") Double fraction);

    /** Serialises the submits of one tenant until the end of the calling transaction (quota check, then insert). */
    @Query(value = "select count(*) from (select pg_advisory_xact_lock(hashtext(:tenant))) locked", nativeQuery = true)
    long lockSubmitsOf(@Param("tenant") String tenant);

    @Query("select j.cancelRequested from Job j where j.id = :id")
    boolean cancelRequested(@Param("id") UUID id);

    @Query("select j.status as status, count(j) as jobs from Job j group by j.status")
    List<StatusCount> countByStatus();

    @Query("select j.pool as pool, count(j) as jobs from Job j where j.status = 'QUEUED' group by j.pool")
    List<PoolCount> countQueuedByPool();

    interface PoolCount {
        String getPool();

        long getJobs();
    }

    interface StatusCount {
        JobStatus getStatus();

        long getJobs();
    }
}
