package io.embedmerge.model;

/**
 * Told after every batch of an encoder loop (encoding, a training step, a Fisher or Gram batch) and after every
 * tensor of an import, for progress and cancellation: it may throw to stop the loop.
 */
@FunctionalInterface
public interface BatchListener {

    BatchListener NONE = (done, total) -> {};

    void batchDone(int done, int total);
}
