package io.embedmerge.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folders on the local file system; outputs are staged in a hidden sibling folder and renamed atomically. The
 * checksums of published files (computed as they were written) go to a listener with each file's identity, so that
 * the service's own outputs (merges, trained and imported models) are never hashed again as inputs.
 */
public final class LocalObjectStore implements ObjectStore {

    private static final Logger log = LoggerFactory.getLogger(LocalObjectStore.class);

    private final BiConsumer<FileIdentity, String> published;

    public LocalObjectStore() {
        this((identity, sha256) -> {});
    }

    /** @param published told the identity and SHA-256 of every file of a published output */
    public LocalObjectStore(BiConsumer<FileIdentity, String> published) {
        this.published = published;
    }

    @Override
    public boolean exists(StorageLocation location) {
        Path path = ((StorageLocation.Local) location).path();
        if (Files.isDirectory(path)) {
            try (Stream<Path> entries = Files.list(path)) {
                return entries.findAny().isPresent();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Files.exists(path);
    }

    @Override
    public Path localCopy(StorageLocation location) {
        return ((StorageLocation.Local) location).path();
    }

    @Override
    public Optional<String> readText(StorageLocation file) {
        Path path = ((StorageLocation.Local) file).path();
        try {
            return Files.isRegularFile(path) ? Optional.of(Files.readString(path)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public OutputFolder createOutput(StorageLocation location) {
        Path target = ((StorageLocation.Local) location).path();
        try {
            Files.createDirectories(target.getParent());
            deleteStaleStaging(target);
            Path staging = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
            Files.createDirectory(staging);
            return new StagedFolder((StorageLocation.Local) location, staging, published);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder for " + location.uri(), e);
        }
    }

    /** Staging folders of the same target can only come from an earlier attempt whose process died. */
    private static void deleteStaleStaging(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".tmp-";
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .forEach(LocalObjectStore::deleteRecursively);
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class StagedFolder extends ChecksummedFolder {
        private final StorageLocation.Local target;
        private final Path staging;
        private final BiConsumer<FileIdentity, String> published;
        /** each closed file's identity while staged, taken right after its last byte */
        private final Map<String, FileIdentity> staged = new ConcurrentHashMap<>();

        private boolean committed;

        StagedFolder(StorageLocation.Local target, Path staging, BiConsumer<FileIdentity, String> published) {
            this.target = target;
            this.staging = staging;
            this.published = published;
        }

        @Override
        protected void closed(StoredFile file) {
            try {
                staged.put(file.name(), FileIdentity.of(staging.resolve(file.name())));
            } catch (RuntimeException e) {
                // best effort, like announce: without an identity the file is simply hashed when next read
                log.debug("identity of staged {} not taken: {}", file.name(), e.toString());
            }
        }

        @Override
        public StorageLocation location() {
            return target;
        }

        @Override
        protected OutputStream openStaged(String relativeName) {
            Path file = staging.resolve(relativeName);
            try {
                Files.createDirectories(file.getParent());
                return Files.newOutputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void commit() {
            Path path = target.path();
            try {
                if (Files.isDirectory(path)) {
                    try (Stream<Path> entries = Files.list(path)) {
                        if (entries.findAny().isEmpty()) {
                            Files.delete(path);
                        }
                    }
                }
                if (Files.exists(path)) {
                    throw new FileAlreadyExistsException(path.toString());
                }
                Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE);
                committed = true;
                announce(path);
            } catch (FileAlreadyExistsException e) {
                throw new OutputExistsException(target.uri());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot publish " + target.uri(), e);
            }
        }

        /**
         * Hands on each published file whose identity is still the one taken when it was closed (renaming the folder
         * changes none of its files' times or inodes), so the checksum is known to be of those bytes. Best effort:
         * a file that cannot be described is simply hashed when it is next read as an input.
         */
        private void announce(Path folder) {
            for (StoredFile file : files()) {
                try {
                    FileIdentity now =
                            FileIdentity.of(folder.resolve(file.name()).toRealPath());
                    FileIdentity then = staged.get(file.name());
                    if (then != null
                            && now.size() == file.bytes()
                            && now.size() == then.size()
                            && now.modifiedNanos() == then.modifiedNanos()
                            && now.changedNanos() == then.changedNanos()
                            && now.fileKey().equals(then.fileKey())) {
                        published.accept(now, file.sha256());
                    }
                } catch (RuntimeException | IOException e) {
                    log.debug("checksum of published {} not remembered: {}", file.name(), e.toString());
                }
            }
        }

        @Override
        public void abort() {
            if (!committed) {
                deleteRecursively(staging);
            }
        }
    }
}
