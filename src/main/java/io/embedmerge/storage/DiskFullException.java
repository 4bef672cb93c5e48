package io.embedmerge.storage;

import java.io.IOException;

/** Writing ran out of disk space (ENOSPC or quota); the message names the location being written. */
public class DiskFullException extends IOException {

    public DiskFullException(String location, IOException cause) {
        super("no space left on the device while writing " + location + ": " + cause.getMessage(), cause);
    }
}
