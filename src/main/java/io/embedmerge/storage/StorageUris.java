package io.embedmerge.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns user-supplied URIs into {@link StorageLocation}s, refusing everything outside the configured roots:
 * other schemes, {@code ..} segments, hosts in {@code file:} URIs, symlinks that lead out of a root, NUL bytes, and
 * the service's own folders (cache, scratch, embedded database) or folders around them.
 */
public final class StorageUris {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final List<Path> localRoots;
    private final List<Path> foreignRoots;
    private final Confinement confinement;
    private final List<StorageLocation.S3> s3Roots;
    private final List<StorageLocation.S3> foreignS3Roots;
    private final boolean s3Enabled;

    public StorageUris(StorageProperties properties) {
        this(properties, List.of());
    }

    /** @param reserved the service's own folders besides the cache (such as the embedded database's) */
    public StorageUris(StorageProperties properties, List<Path> reserved) {
        this(new Roots(properties.localRoots(), properties.s3().roots()), Roots.NONE, properties, reserved);
    }

    /** The places a set of URIs may name: {@code file:} roots and {@code s3://bucket/prefix} roots. */
    public record Roots(List<String> local, List<String> s3) {
        static final Roots NONE = new Roots(List.of(), List.of());

        public Roots {
            local = local == null ? List.of() : List.copyOf(local);
            s3 = s3 == null ? List.of() : List.copyOf(s3);
        }

        boolean isEmpty() {
            return local.isEmpty() && s3.isEmpty();
        }
    }

    /**
     * @param roots   where URIs may point
     * @param foreign other tenants' roots: refused even where they lie inside {@code roots} (also through links)
     */
    StorageUris(Roots roots, Roots foreign, StorageProperties properties, List<Path> reserved) {
        this.localRoots = roots.local().stream().map(StorageUris::createRoot).toList();
        this.foreignRoots = foreign.local().stream()
                .map(StorageUris::createRoot)
                .filter(f -> localRoots.stream().noneMatch(r -> r.startsWith(f)))
                .toList();
        List<Path> own = new ArrayList<>(foreignRoots);
        own.add(realPathOfNearestAncestor(
                Path.of(properties.cacheDir()).toAbsolutePath().normalize()));
        reserved.forEach(
                r -> own.add(realPathOfNearestAncestor(r.toAbsolutePath().normalize())));
        this.confinement = new Confinement(localRoots, own);
        this.s3Enabled = properties.s3().enabled();
        this.s3Roots = roots.s3().stream().map(r -> parseS3(r, r)).toList();
        this.foreignS3Roots = foreign.s3().stream()
                .map(r -> parseS3(r, r))
                .filter(f -> s3Roots.stream()
                        .noneMatch(r -> r.overlaps(f) && r.prefix().startsWith(f.prefix())))
                .toList();
    }

    private static Path createRoot(String root) {
        Path path = Path.of(root).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create storage root " + path, e);
        }
    }

    public List<Path> localRoots() {
        return localRoots;
    }

    /** Where local files may be read and written. */
    public Confinement confinement() {
        return confinement;
    }

    public StorageLocation parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new StorageUriException(raw, "a URI is required");
        }
        if (raw.indexOf('\0') >= 0) {
            throw new StorageUriException(raw, "a URI must not contain NUL characters");
        }
        try {
            return parseChecked(raw);
        } catch (InvalidPathException e) {
            throw new StorageUriException(
                    raw, "'" + raw.replace("\0", "\\0") + "' is not a valid path: " + e.getReason());
        }
    }

    private StorageLocation parseChecked(String raw) {
        if (raw.startsWith("s3://")) {
            return checkS3(raw);
        }
        if (raw.startsWith("file:")) {
            return checkLocal(raw);
        }
        throw new StorageUriException(
                raw, "unsupported URI '" + raw + "': use file: (inside " + localRoots + ") or s3://bucket/prefix");
    }

    private StorageLocation.Local checkLocal(String raw) {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new StorageUriException(raw, "malformed URI '" + raw + "': " + e.getReason());
        }
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
            throw new StorageUriException(raw, "file URI '" + raw + "' must not name a host");
        }
        String pathPart = uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
        if (pathPart == null || pathPart.isEmpty()) {
            throw new StorageUriException(raw, "file URI '" + raw + "' has no path");
        }
        rejectDotDot(raw, pathPart);
        Path path = Path.of(pathPart).toAbsolutePath().normalize();
        Path real = realPathOfNearestAncestor(path);
        if (foreignRoots.stream().anyMatch(f -> real.startsWith(f) || f.startsWith(real))) {
            throw new StorageUriException(raw, "'" + raw + "' is outside the allowed local roots " + localRoots);
        }
        if (confinement.allowsFolder(real)) {
            return new StorageLocation.Local(real);
        }
        if (localRoots.stream().anyMatch(real::startsWith)) {
            throw new StorageUriException(
                    raw,
                    "'" + raw + "' is or contains one of the service's own folders "
                            + "(database, cache, scratch), which are never inputs or outputs");
        }
        throw new StorageUriException(raw, "'" + raw + "' is outside the allowed local roots " + localRoots);
    }

    /** Resolves symlinks of the part of the path that exists, so a link pointing out of a root is caught. */
    private static Path realPathOfNearestAncestor(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StorageLocation.S3 checkS3(String raw) {
        if (!s3Enabled) {
            throw new StorageUriException(
                    raw, "S3 storage is not configured on this service (merge.storage.s3.enabled)");
        }
        StorageLocation.S3 location = parseS3(raw, raw);
        boolean foreign = foreignS3Roots.stream()
                .anyMatch(f -> f.bucket().equals(location.bucket())
                        && (location.prefix().startsWith(f.prefix())
                                || f.prefix().startsWith(location.prefix())));
        for (StorageLocation.S3 root : foreign ? List.<StorageLocation.S3>of() : s3Roots) {
            if (root.bucket().equals(location.bucket()) && location.prefix().startsWith(root.prefix())) {
                return location;
            }
        }
        throw new StorageUriException(
                raw,
                "'" + raw + "' is outside the allowed S3 roots "
                        + s3Roots.stream().map(StorageLocation::uri).toList());
    }

    private static StorageLocation.S3 parseS3(String raw, String shown) {
        String rest = raw.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new StorageUriException(shown, "'" + shown + "' has an invalid bucket name '" + bucket + "'");
        }
        rejectDotDot(shown, key);
        if (key.indexOf('\0') >= 0) {
            throw new StorageUriException(shown, "'" + shown + "' must not contain NUL characters");
        }
        if (key.contains("//") || key.startsWith("/")) {
            throw new StorageUriException(shown, "'" + shown + "' has an empty path segment");
        }
        return new StorageLocation.S3(bucket, key);
    }

    private static void rejectDotDot(String raw, String path) {
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new StorageUriException(raw, "'" + raw + "' must not contain '..' segments");
            }
        }
    }

    static String checkRelative(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0 || name.startsWith("/") || name.contains("\\")) {
            throw new IllegalArgumentException("invalid relative name '" + name + "'");
        }
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid relative name '" + name + "'");
            }
        }
        return name;
    }
}
