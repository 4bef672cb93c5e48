package io.embedmerge.merge;

/** Receives progress from a running merge and may stop it by throwing from {@link #checkpoint()}. */
public interface MergeMonitor {

    /** Ignores progress and never stops the merge. */
    MergeMonitor NONE = new MergeMonitor() {
        @Override
        public void tensorWritten(String name, int done, int total, long bytesWritten, long totalBytes) {}

        @Override
        public void checkpoint() {}
    };

    /** A statistics pass over all inputs begins (for example "gram" or "ties-threshold"). */
    default void stage(String pass) {}

    /** Within a statistics pass: {@code done} of {@code total} tensors read. */
    default void passProgress(String pass, int done, int total) {}

    /** Called after each tensor is written. */
    void tensorWritten(String name, int done, int total, long bytesWritten, long totalBytes);

    /** Called between tensors and chunks; throws to stop the merge (for example on cancellation). */
    void checkpoint();
}
