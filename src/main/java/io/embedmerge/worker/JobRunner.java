package io.embedmerge.worker;

import ai.djl.Device;
import io.embedmerge.checkpoint.CheckpointFormatException;
import io.embedmerge.job.AnalyzeJobRequest;
import io.embedmerge.job.EvaluateJobRequest;
import io.embedmerge.job.ImportJobRequest;
import io.embedmerge.job.JobExecution;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.RunTicket;
import io.embedmerge.job.TrainJobRequest;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.NonFiniteValueException;
import io.embedmerge.model.onnx.OnnxFormatException;
import io.embedmerge.storage.DiskFull;
import io.embedmerge.storage.ForbiddenPathException;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.OutputExistsException;
import io.embedmerge.storage.StorageUnavailableException;
import io.embedmerge.storage.StorageUriException;
import io.embedmerge.tensor.ComputeDevice;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Executes one attempt of a job and records its outcome. Every failure of the job itself ends in FAILED with a
 * code and message; nothing is rethrown to the queue except failures to record the outcome.
 */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobExecution execution;
    private final MergeJobRunner merges;
    private final AnalyzeJobRunner analyses;
    private final ImportJobRunner imports;
    private final EvaluateJobRunner evaluations;
    private final TrainJobRunner trainings;
    private final WorkerProperties properties;
    private final List<TensorListener> listeners;
    private final MeterRegistry meters;
    private final CancelSignals cancelSignals;
    private final String workerId;
    private final ObjectProvider<WorkerDevices> devices;
    private final ObjectStorage storage;

    JobRunner(
            JobExecution execution,
            MergeJobRunner merges,
            AnalyzeJobRunner analyses,
            ImportJobRunner imports,
            EvaluateJobRunner evaluations,
            TrainJobRunner trainings,
            WorkerProperties properties,
            List<TensorListener> listeners,
            MeterRegistry meters,
            CancelSignals cancelSignals,
            WorkerIdentity identity,
            ObjectProvider<WorkerDevices> devices,
            ObjectStorage storage) {
        this.devices = devices;
        this.storage = storage;
        this.execution = execution;
        this.merges = merges;
        this.analyses = analyses;
        this.imports = imports;
        this.evaluations = evaluations;
        this.trainings = trainings;
        this.properties = properties;
        this.listeners = listeners;
        this.meters = meters;
        this.cancelSignals = cancelSignals;
        this.workerId = identity.id();
    }

    /** Runs a job of {@code pool}: a gpu-pool job on a device of its own, lent for the job's duration. */
    void run(UUID jobId, String pool) {
        WorkerDevices lender = devices.getIfAvailable();
        if (!pool.equals("gpu") || lender == null) {
            runAttempt(jobId);
            return;
        }
        Device device;
        try {
            device = lender.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a device for job " + jobId, e);
        }
        try {
            ComputeDevice.on(device, () -> {
                runAttempt(jobId);
                return null;
            });
        } finally {
            lender.release(device);
        }
    }

    private void runAttempt(UUID jobId) {
        Optional<RunTicket> begun = execution.begin(jobId, workerId);
        if (begun.isEmpty()) {
            log.info("job {} is finished or gone; nothing to run", jobId);
            return;
        }
        RunTicket ticket = begun.get();
        AtomicBoolean cancelSignal = cancelSignals.register(jobId);
        ProgressReporter progress =
                new ProgressReporter(execution, ticket, properties.progressInterval(), listeners, cancelSignal::get);
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failed";
        try {
            progress.checkpoint();
            // the job row's tenant, not the submitter's session: its roots apply to every read and write of the run
            JobResult result = storage.callAsTenant(ticket.tenant(), () -> switch (ticket.request()) {
                case MergeJobRequest merge -> merges.run(ticket, merge, progress);
                case AnalyzeJobRequest analyze -> analyses.run(analyze, progress);
                case ImportJobRequest imported -> imports.run(ticket, imported, progress);
                case EvaluateJobRequest evaluate -> evaluations.run(evaluate, progress);
                case TrainJobRequest train -> trainings.run(ticket, train, progress);
            });
            execution.succeed(ticket, result);
            outcome = "succeeded";
        } catch (JobCancelledException e) {
            if (e.superseded()) {
                log.warn("job {} attempt {} was superseded; stopping without recording", jobId, ticket.attempt());
                outcome = "superseded";
            } else {
                execution.cancelled(ticket);
                outcome = "cancelled";
            }
        } catch (CheckpointFormatException e) {
            execution.fail(ticket, "INVALID_CHECKPOINT", e.getMessage());
        } catch (NonFiniteValueException e) {
            execution.fail(ticket, e.code(), e.getMessage());
        } catch (InvalidMergeRequestException e) {
            execution.fail(ticket, "INVALID_REQUEST", e.field() + ": " + e.getMessage());
        } catch (OnnxFormatException e) {
            execution.fail(ticket, "INVALID_ONNX", e.getMessage());
        } catch (StorageUriException e) {
            execution.fail(ticket, "STORAGE_URI", e.getMessage());
        } catch (StorageUnavailableException e) {
            execution.fail(ticket, "STORAGE_UNAVAILABLE", e.getMessage());
        } catch (ForbiddenPathException e) {
            execution.fail(ticket, "FORBIDDEN_PATH", e.getMessage());
        } catch (OutputExistsException e) {
            execution.fail(ticket, "OUTPUT_EXISTS", e.getMessage());
        } catch (RuntimeException e) {
            Optional<String> diskFull = DiskFull.describe(e);
            if (diskFull.isPresent()) {
                log.warn("job {} attempt {}: {}", jobId, ticket.attempt(), diskFull.get());
                execution.fail(ticket, "DISK_FULL", diskFull.get());
            } else {
                log.error("job {} attempt {} failed", jobId, ticket.attempt(), e);
                execution.fail(ticket, "INTERNAL", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } catch (OutOfMemoryError e) {
            log.error("job {} attempt {} failed", jobId, ticket.attempt(), e);
            execution.fail(ticket, "INTERNAL", e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            cancelSignals.release(jobId, cancelSignal);
            sample.stop(
                    meters.timer("merge.job.duration", "kind", ticket.request().kind(), "outcome", outcome));
        }
    }
}
