package io.embedmerge.merge;

/** Receives progress from a running merge and may stop it by throwing from {@link #checkpoint()}. */
public interface MergeMonitor {

    /** Called after each tensor is written. */
    void tensorWritten(String name, int done, int total, long bytesWritten, long totalBytes);

    /** Called between tensors and chunks; throws to stop the merge (for example on cancellation). */
    void checkpoint();
}
