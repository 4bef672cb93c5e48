package io.embedmerge.storage;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The part of every staged output shared by the adapters: each created file is hashed (SHA-256) and written on a
 * background thread, and recorded with its size and checksum when closed.
 */
abstract class ChecksummedFolder implements OutputFolder {

    private final List<StoredFile> files = Collections.synchronizedList(new ArrayList<>());

    /** Opens the staged file to which a created file's bytes go. */
    protected abstract OutputStream openStaged(String relativeName);

    @Override
    public final OutputStream create(String relativeName) {
        String name = StorageUris.checkRelative(relativeName);
        OutputStream staged = new DiskFullReporting(openStaged(name), location().uri() + " (" + name + ")");
        return new PipelinedOutputStream(
                new ChecksummingOutputStream(staged, name, file -> {
                    files.add(file);
                    closed(file);
                }),
                name);
    }

    /** Told when a created file has been written, closed and hashed. */
    protected void closed(StoredFile file) {}

    @Override
    public final List<StoredFile> files() {
        return List.copyOf(files);
    }
}
