package io.embedmerge.worker;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import io.embedmerge.storage.CachedFileDigests;
import io.embedmerge.storage.StoredFile;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * SHA-256 of every input file for the manifest, taken from the digest cache when the file is unchanged since it was
 * last hashed; files not in the cache are hashed on a background thread while the merge runs (the merge reads the
 * same files, so they are in the page cache once for both).
 */
final class InputDigests implements AutoCloseable {

    private final FutureTask<List<JobResult.InputFiles>> task;

    private InputDigests(FutureTask<List<JobResult.InputFiles>> task) {
        this.task = task;
    }

    static InputDigests start(MergeJobRequest request, CheckpointInputs inputs, CachedFileDigests digests, String name) {
        FutureTask<List<JobResult.InputFiles>> task = new FutureTask<>(() -> {
            List<JobResult.InputFiles> described = new ArrayList<>();
            described.add(new JobResult.InputFiles("base", request.base(), null, digests(digests, inputs.base())));
            for (int i = 0; i < inputs.models().size(); i++) {
                ModelInput model = request.models().get(i);
                described.add(new JobResult.InputFiles("model", model.uri(), model.label(),
                        digests(digests, inputs.models().get(i))));
            }
            return described;
        });
        Thread.ofPlatform().name("input-digests-" + name).daemon(true).start(task);
        return new InputDigests(task);
    }

    private static List<StoredFile> digests(CachedFileDigests digests, Checkpoint checkpoint) {
        List<StoredFile> files = new ArrayList<>();
        for (String name : checkpoint.files()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("input checksums cancelled");
            }
            files.add(digests.describe(checkpoint.folder(), name));
        }
        return files;
    }

    /** Waits for the checksums. */
    List<JobResult.InputFiles> await() {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for input checksums", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Stops the hashing if the merge ended without needing it (failure or cancellation). */
    @Override
    public void close() {
        task.cancel(true);
    }
}
