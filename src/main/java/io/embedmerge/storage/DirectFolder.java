package io.embedmerge.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An output written in place, without staging or checksums: for tools (the benchmark's {@code --no-checksum})
 * and tests that need only the files. Jobs never use it.
 */
public record DirectFolder(Path folder) implements OutputFolder {

    @Override
    public StorageLocation location() {
        return new StorageLocation.Local(folder);
    }

    @Override
    public OutputStream create(String relativeName) {
        try {
            Path file = folder.resolve(StorageUris.checkRelative(relativeName));
            Files.createDirectories(file.getParent());
            return new BufferedOutputStream(Files.newOutputStream(file), 1 << 22);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<StoredFile> files() {
        return List.of();
    }

    @Override
    public void commit() {}

    @Override
    public void abort() {}

    @Override
    public void close() {}
}
