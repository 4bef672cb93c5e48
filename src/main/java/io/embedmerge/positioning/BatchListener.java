package io.embedmerge.positioning;

/** Told after every probe batch of a statistics pass (Fisher, RegMean), for progress and cancellation. */
@FunctionalInterface
public interface BatchListener {

    BatchListener NONE = (done, total) -> { };

    void batchDone(int done, int total);
}
