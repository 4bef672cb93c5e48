package io.embedmerge.storage;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Optional;

/** Recognises a full disk in an exception and its causes: the JDK reports ENOSPC only as a message. */
public final class DiskFull {

    private DiskFull() {}

    static boolean is(IOException e) {
        String text = e instanceof FileSystemException fs ? fs.getReason() + " " + fs.getMessage() : e.getMessage();
        return e instanceof DiskFullException
                || text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"));
    }

    /** A message naming what was being written when the disk filled up, if that is why {@code failure} happened. */
    public static Optional<String> describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DiskFullException full) {
                return Optional.of(full.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException io && is(io)) {
                String where =
                        io instanceof FileSystemException fs && fs.getFile() != null ? " (" + fs.getFile() + ")" : "";
                return Optional.of("no space left on the device" + where + ": " + io.getMessage());
            }
        }
        return Optional.empty();
    }
}
