package io.embedmerge.storage;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The storage port the rest of the service uses: checks user URIs against the configured roots and dispatches to
 * the local-folder or S3 adapter.
 */
public final class ObjectStorage {

    private final StorageUris uris;
    private final ObjectStore local;
    private final ObjectStore s3;
    private final String defaultOutput;

    ObjectStorage(StorageUris uris, ObjectStore local, ObjectStore s3, String defaultOutput) {
        this.uris = uris;
        this.local = local;
        this.s3 = s3;
        this.defaultOutput = defaultOutput.endsWith("/") ? defaultOutput : defaultOutput + "/";
        uris.parse(this.defaultOutput);
    }

    /** Parses and checks a user-supplied URI; throws {@link StorageUriException} when it is not allowed. */
    public StorageLocation resolve(String uri) {
        return uris.parse(uri);
    }

    /** Where a job's output goes when the request names none. */
    public StorageLocation defaultOutputFor(String jobId) {
        return uris.parse(defaultOutput + jobId);
    }

    public boolean exists(StorageLocation location) {
        return reaching(location, () -> store(location).exists(location));
    }

    /**
     * A local folder holding the location's files (for S3, a verified cache), through which they must be read: a
     * local folder's files must stay inside the roots, a cached copy's inside the copy.
     */
    public ConfinedFolder localFolder(StorageLocation location) {
        Path path = reaching(location, () -> store(location).localCopy(location));
        return switch (location) {
            case StorageLocation.Local l -> new ConfinedFolder(path, uris.confinement());
            case StorageLocation.S3 s -> ConfinedFolder.self(path);
        };
    }

    /**
     * Fails with {@link ForbiddenPathException} naming a file of a local folder that leads outside the roots (the
     * location itself was checked when parsed); S3 copies cannot hold links.
     */
    public void checkFiles(StorageLocation location) {
        if (location instanceof StorageLocation.Local local && Files.isDirectory(local.path())) {
            new ConfinedFolder(local.path(), uris.confinement()).checkAllFiles();
        }
    }

    /** A single file (a data file), read through its folder's confinement. */
    public Path localFile(StorageLocation file) {
        return switch (file) {
            case StorageLocation.Local l ->
                    localFolder(new StorageLocation.Local(l.path().getParent())).file(l.path().getFileName().toString());
            case StorageLocation.S3 s -> {
                int slash = s.key().lastIndexOf('/');
                yield localFolder(new StorageLocation.S3(s.bucket(), s.key().substring(0, slash + 1)))
                        .file(s.key().substring(slash + 1));
            }
        };
    }

    public OutputFolder createOutput(StorageLocation location) {
        return reaching(location, () -> store(location).createOutput(location));
    }

    /** The content of a small text file, or empty if it does not exist. */
    public Optional<String> readText(StorageLocation file) {
        return reaching(file, () -> store(file).readText(file));
    }

    /** An unreachable or failing S3 endpoint becomes one exception type that names the URI. */
    private static <T> T reaching(StorageLocation location, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkClientException e) {
            throw new StorageUnavailableException(location.uri(), "object storage for '" + location.uri()
                    + "' cannot be reached: " + e.getMessage(), e);
        } catch (S3Exception e) {
            if (e.statusCode() >= 500) {
                throw new StorageUnavailableException(location.uri(), "object storage for '" + location.uri()
                        + "' answered " + e.statusCode(), e);
            }
            throw e;
        }
    }

    private ObjectStore store(StorageLocation location) {
        return switch (location) {
            case StorageLocation.Local l -> local;
            case StorageLocation.S3 s -> {
                if (s3 == null) {
                    throw new StorageUriException(s.uri(), "S3 storage is not configured on this service");
                }
                yield s3;
            }
        };
    }
}
