package io.embedmerge.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A job row. Request and result are stored as JSON text; state changes go through {@link JobService}. */
@Entity
@Table(name = "jobs")
public class Job {

    @Id
    private UUID id;

    private String kind;

    @Enumerated(EnumType.STRING)
    private JobStatus status;

    private String request;
    private String requestHash;
    private String idempotencyKey;
    private String progressStage;
    private Double progressFraction;
    private String progressMessage;
    private Instant createdAt;
    private Instant startedAt;
    private Instant finishedAt;
    private String result;
    private String errorCode;
    private String errorMessage;
    private int attempt;
    private boolean cancelRequested;
    private String worker;
    private String pool;
    private String owner;
    private String tenant;
    private Long outputBytes;
    /** Signs the deliveries of the request's {@code notify} webhook; null without one. */
    private String notifySecret;

    @Version
    @Column(nullable = false)
    private Long version;

    protected Job() {}

    Job(
            UUID id,
            Caller caller,
            String kind,
            String pool,
            String request,
            String requestHash,
            String idempotencyKey,
            Instant createdAt) {
        this.id = id;
        this.pool = pool;
        this.owner = caller.owner();
        this.tenant = caller.tenant();
        this.kind = kind;
        this.status = JobStatus.QUEUED;
        this.request = request;
        this.requestHash = requestHash;
        this.idempotencyKey = idempotencyKey;
        this.createdAt = createdAt;
        this.progressStage = "queued";
        this.progressFraction = 0.0;
        this.progressMessage = "waiting for a worker of pool " + pool;
    }

    /** The columns {@link #fromRow} reads: every column this entity maps. */
    static final String COLUMNS = "id, kind, status, request, request_hash, idempotency_key, progress_stage,"
            + " progress_fraction, progress_message, created_at, started_at, finished_at, result, error_code,"
            + " error_message, attempt, cancel_requested, worker, pool, owner, tenant, output_bytes, notify_secret,"
            + " version";

    /** A detached job read with plain JDBC from a row holding {@link #COLUMNS}. */
    static Job fromRow(ResultSet row) throws SQLException {
        Job job = new Job();
        job.id = row.getObject("id", UUID.class);
        job.kind = row.getString("kind");
        job.status = JobStatus.valueOf(row.getString("status"));
        job.request = row.getString("request");
        job.requestHash = row.getString("request_hash");
        job.idempotencyKey = row.getString("idempotency_key");
        job.progressStage = row.getString("progress_stage");
        job.progressFraction = row.getObject("progress_fraction", Double.class);
        job.progressMessage = row.getString("progress_message");
        job.createdAt = instant(row, "created_at");
        job.startedAt = instant(row, "started_at");
        job.finishedAt = instant(row, "finished_at");
        job.result = row.getString("result");
        job.errorCode = row.getString("error_code");
        job.errorMessage = row.getString("error_message");
        job.attempt = row.getInt("attempt");
        job.cancelRequested = row.getBoolean("cancel_requested");
        job.worker = row.getString("worker");
        job.pool = row.getString("pool");
        job.owner = row.getString("owner");
        job.tenant = row.getString("tenant");
        job.outputBytes = row.getObject("output_bytes", Long.class);
        job.notifySecret = row.getString("notify_secret");
        job.version = row.getLong("version");
        return job;
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    Job withNotifySecret(String secret) {
        notifySecret = secret;
        return this;
    }

    public String getNotifySecret() {
        return notifySecret;
    }

    /** The worker pool that runs the job ({@code cpu} or {@code gpu}). */
    public String getPool() {
        return pool;
    }

    /** The instance running or last running the job. */
    public String getWorker() {
        return worker;
    }

    public UUID getId() {
        return id;
    }

    public String getOwner() {
        return owner;
    }

    public String getTenant() {
        return tenant;
    }

    public String getKind() {
        return kind;
    }

    public JobStatus getStatus() {
        return status;
    }

    public String getRequest() {
        return request;
    }

    String getRequestHash() {
        return requestHash;
    }

    String getIdempotencyKey() {
        return idempotencyKey;
    }

    public String getProgressStage() {
        return progressStage;
    }

    public Double getProgressFraction() {
        return progressFraction;
    }

    public String getProgressMessage() {
        return progressMessage;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }

    public String getResult() {
        return result;
    }

    public String getErrorCode() {
        return errorCode;
    }

    public String getErrorMessage() {
        return errorMessage;
    }

    public int getAttempt() {
        return attempt;
    }

    public boolean isCancelRequested() {
        return cancelRequested;
    }

    void cancelQueued(Instant now) {
        cancelRequested = true;
        status = JobStatus.CANCELLED;
        finishedAt = now;
        progressStage = "cancelled";
    }

    void requestCancel() {
        cancelRequested = true;
    }

    void start(String workerId, Instant now) {
        status = JobStatus.RUNNING;
        attempt++;
        worker = workerId;
        if (startedAt == null) {
            startedAt = now;
        }
        progressStage = "starting";
        progressFraction = 0.0;
        progressMessage = null;
    }
}
