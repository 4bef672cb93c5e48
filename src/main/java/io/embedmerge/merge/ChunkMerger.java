package io.embedmerge.merge;

/**
 * Computes merged values for elements {@code [first, first + count)} of one tensor: {@code out[j]} from
 * {@code base[j]} and {@code models[i][j]}, all decoded to float32.
 */
@FunctionalInterface
public interface ChunkMerger {

    void merge(long first, float[] base, float[][] models, float[] out, int count);
}
