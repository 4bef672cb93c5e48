package io.embedmerge.storage;

import java.nio.file.Path;
import java.util.Optional;

/** One storage back end (local folders or S3), addressed by already-checked locations. */
interface ObjectStore {

    /** True if a file or a non-empty folder exists at the location. */
    boolean exists(StorageLocation location);

    /** A local folder with the content of the location (the folder itself, or a verified cached download). */
    Path localCopy(StorageLocation location);

    /** The content of a small text file, or empty if there is none. */
    Optional<String> readText(StorageLocation file);

    OutputFolder createOutput(StorageLocation location);
}
