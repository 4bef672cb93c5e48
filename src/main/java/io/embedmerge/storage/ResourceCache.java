package io.embedmerge.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Files the service ships inside its jar (built-in models and datasets), copied once into the cache folder so
 * that readers can memory-map them. A copy appears under its final name only when complete.
 */
@Component
public class ResourceCache {

    private final Path folder;

    public ResourceCache(StorageProperties properties) {
        this.folder =
                Path.of(properties.cacheDir()).toAbsolutePath().normalize().resolve("builtin");
    }

    /** The cached copy of a classpath resource (an absolute resource name such as {@code /datasets/x.tsv}). */
    public Path extract(String resource) {
        Path file = folder.resolve(StorageUris.checkRelative(resource.substring(1)));
        if (Files.isRegularFile(file)) {
            return file;
        }
        try (InputStream in = ResourceCache.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("built-in resource " + resource + " is missing from the classpath");
            }
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".part-" + UUID.randomUUID());
            Files.copy(in, partial);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource, e);
        }
    }
}
