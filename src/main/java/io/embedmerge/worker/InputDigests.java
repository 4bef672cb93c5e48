package io.embedmerge.worker;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import io.embedmerge.storage.CachedFileDigests;
import io.embedmerge.storage.StoredFile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256 of every input file for the manifest, taken from the digest cache when the file is unchanged since it was
 * last hashed; files not in the cache are hashed on background threads while the merge runs (the merge reads the
 * same files, so they are in the page cache once for both). Files are hashed side by side, one thread per core at
 * most: SHA-256 is sequential within a file, and one thread hashing the inputs of a first merge one after another
 * (about 1 GB/s) took longer than the merge itself.
 */
final class InputDigests implements AutoCloseable {

    private static final int MAX_THREADS = Runtime.getRuntime().availableProcessors();

    private final ExecutorService pool;
    private final List<Described> inputs;

    /** One input (base or model) with its files' pending checksums. */
    private record Described(String role, String uri, String label, List<Future<StoredFile>> files) {}

    private InputDigests(ExecutorService pool, List<Described> inputs) {
        this.pool = pool;
        this.inputs = inputs;
    }

    static InputDigests start(
            MergeJobRequest request, CheckpointInputs inputs, CachedFileDigests digests, String name) {
        int files = inputs.base().files().size()
                + inputs.models().stream().mapToInt(m -> m.files().size()).sum();
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.clamp(files, 1, MAX_THREADS),
                Thread.ofPlatform()
                        .name("input-digests-" + name + "-", 0)
                        .daemon(true)
                        .factory());
        List<Described> described = new ArrayList<>();
        described.add(new Described("base", request.base(), null, submit(pool, digests, inputs.base())));
        for (int i = 0; i < inputs.models().size(); i++) {
            ModelInput model = request.models().get(i);
            described.add(new Described(
                    "model",
                    model.uri(),
                    model.label(),
                    submit(pool, digests, inputs.models().get(i))));
        }
        pool.shutdown();
        return new InputDigests(pool, described);
    }

    private static List<Future<StoredFile>> submit(
            ExecutorService pool, CachedFileDigests digests, Checkpoint checkpoint) {
        List<Future<StoredFile>> files = new ArrayList<>();
        for (String name : checkpoint.files()) {
            files.add(pool.submit(() -> digests.describe(checkpoint.folder(), name)));
        }
        return files;
    }

    /** Waits for the checksums. */
    List<JobResult.InputFiles> await() {
        try {
            List<JobResult.InputFiles> result = new ArrayList<>();
            for (Described input : inputs) {
                List<StoredFile> files = new ArrayList<>();
                for (Future<StoredFile> file : input.files()) {
                    files.add(file.get());
                }
                result.add(new JobResult.InputFiles(input.role(), input.uri(), input.label(), files));
            }
            return result;
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
        pool.shutdownNow();
    }
}
