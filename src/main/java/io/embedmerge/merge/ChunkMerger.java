package io.embedmerge.merge;

/**
 * Computes merged values {@code out[j]} from {@code base[j]} and {@code models[i][j]} (decoded to float32) for array
 * positions {@code from <= j < to} of a chunk whose position 0 is element {@code first} of the tensor. The executor
 * calls it on disjoint ranges from several threads at once, so implementations keep per-call state local.
 */
@FunctionalInterface
public interface ChunkMerger {

    void merge(long first, float[] base, float[][] models, float[] out, int from, int to);
}
