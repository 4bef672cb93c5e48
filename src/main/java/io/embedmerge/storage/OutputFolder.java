package io.embedmerge.storage;

import java.io.OutputStream;
import java.util.List;

/**
 * A folder being written under a temporary name. Nothing is visible at {@link #location()} until {@link #commit()};
 * {@link #abort()} (or closing without commit) removes everything written.
 */
public interface OutputFolder extends AutoCloseable {

    StorageLocation location();

    /** A new file; its size and SHA-256 are recorded when the stream is closed. */
    OutputStream create(String relativeName);

    /** The files closed so far, in creation order. */
    List<StoredFile> files();

    /** Publishes the folder; fails if something already exists at the location. */
    void commit();

    void abort();

    @Override
    default void close() {
        abort();
    }
}
