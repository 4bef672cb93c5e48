package io.embedmerge.merge;

/**
 * Computes merged values element by element: {@code out[j]} from {@code base[j]} and {@code models[i][j]}, for
 * {@code j < count}. Arrays are chunks of one tensor, decoded to float32.
 */
@FunctionalInterface
public interface ElementwiseMerger {

    void merge(float[] base, float[][] models, float[] out, int count);
}
