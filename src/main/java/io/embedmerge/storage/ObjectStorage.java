package io.embedmerge.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The storage port the rest of the service uses: checks user URIs against the configured roots and dispatches to
 * the local-folder or S3 adapter.
 * <p>
 * Roots are per tenant. Code that acts for a tenant (submit-time validation, a worker running a job) runs inside
 * {@link #runAsTenant} or {@link #callAsTenant}; every check made within, on that thread, uses the tenant's roots.
 * A scoped value rather than a parameter, so that the many readers below the runners (evaluators, data files,
 * checkpoint inputs) cannot forget it; outside any tenant the shared roots apply.
 */
public final class ObjectStorage {

    private static final ScopedValue<Scope> TENANT_SCOPE = ScopedValue.newInstance();

    /** The roots of one tenant (or the shared ones) and where its outputs go by default. */
    record Scope(StorageUris uris, String defaultOutput) {
        Scope {
            defaultOutput = defaultOutput.endsWith("/") ? defaultOutput : defaultOutput + "/";
            uris.parse(defaultOutput);
        }
    }

    private final Scope shared;
    private final Map<String, Scope> tenants;
    private final ObjectStore local;
    private final ObjectStore s3;

    ObjectStorage(StorageUris uris, ObjectStore local, ObjectStore s3, String defaultOutput) {
        this(new Scope(uris, defaultOutput), Map.of(), local, s3);
    }

    ObjectStorage(Scope shared, Map<String, Scope> tenants, ObjectStore local, ObjectStore s3) {
        this.shared = shared;
        this.tenants = Map.copyOf(tenants);
        this.local = local;
        this.s3 = s3;
    }

    /** Runs the action with the tenant's roots (the shared ones when the tenant has none configured). */
    public void runAsTenant(String tenant, Runnable action) {
        ScopedValue.where(TENANT_SCOPE, scopeOf(tenant)).run(action);
    }

    public <R, X extends Throwable> R callAsTenant(String tenant, ScopedValue.CallableOp<? extends R, X> action)
            throws X {
        return ScopedValue.where(TENANT_SCOPE, scopeOf(tenant)).call(action);
    }

    /** True when the tenant has roots of its own. */
    public boolean hasOwnRoots(String tenant) {
        return tenant != null && tenants.containsKey(tenant);
    }

    private Scope scopeOf(String tenant) {
        return tenant == null ? shared : tenants.getOrDefault(tenant, shared);
    }

    private Scope scope() {
        return TENANT_SCOPE.orElse(shared);
    }

    private StorageUris uris() {
        return scope().uris();
    }

    /** Parses and checks a user-supplied URI; throws {@link StorageUriException} when it is not allowed. */
    public StorageLocation resolve(String uri) {
        return uris().parse(uri);
    }

    /** Where a job's output goes when the request names none. */
    public StorageLocation defaultOutputFor(String jobId) {
        return uris().parse(scope().defaultOutput() + jobId);
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
            case StorageLocation.Local l -> new ConfinedFolder(path, uris().confinement());
            case StorageLocation.S3 s -> ConfinedFolder.self(path);
        };
    }

    /**
     * Fails with {@link ForbiddenPathException} naming a file of a local folder that leads outside the roots (the
     * location itself was checked when parsed); S3 copies cannot hold links.
     */
    public void checkFiles(StorageLocation location) {
        if (location instanceof StorageLocation.Local local && Files.isDirectory(local.path())) {
            new ConfinedFolder(local.path(), uris().confinement()).checkAllFiles();
        }
    }

    /** A single file (a data file), read through its folder's confinement. */
    public Path localFile(StorageLocation file) {
        return switch (file) {
            case StorageLocation.Local l ->
                localFolder(new StorageLocation.Local(l.path().getParent()))
                        .file(l.path().getFileName().toString());
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
            throw new StorageUnavailableException(
                    location.uri(),
                    "object storage for '" + location.uri() + "' cannot be reached: " + e.getMessage(),
                    e);
        } catch (S3Exception e) {
            if (e.statusCode() >= 500) {
                throw new StorageUnavailableException(
                        location.uri(), "object storage for '" + location.uri() + "' answered " + e.statusCode(), e);
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
