package io.embedmerge.merge.execution;

import java.util.stream.IntStream;

/** Splits a chunk into one contiguous range per core and runs them in parallel (the caller's thread takes part). */
public final class ChunkRanges {

    public static final int PARTS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final int MIN_ELEMENTS_PER_PART = 1 << 16;

    @FunctionalInterface
    public interface RangeTask {
        void run(int part, int from, int to);
    }

    private ChunkRanges() {}

    public static void forEach(int count, RangeTask task) {
        int parts = Math.min(PARTS, Math.max(1, count / MIN_ELEMENTS_PER_PART));
        if (parts == 1) {
            task.run(0, 0, count);
            return;
        }
        IntStream.range(0, parts)
                .parallel()
                .forEach(p -> task.run(p, (int) ((long) count * p / parts), (int) ((long) count * (p + 1) / parts)));
    }
}
