package io.embedmerge.merge;

/**
 * Computes merged values {@code out[j]} from {@code base[j]} and {@code models[i][j]} (decoded to float32) for array
 * positions {@code from <= j < to} of a chunk whose position 0 is element {@code first} of the tensor. The executor
 * calls it on disjoint ranges from several threads at once, so implementations keep per-call state local.
 */
@FunctionalInterface
public interface ChunkMerger {

    void merge(long first, float[] base, float[][] models, float[] out, int from, int to);

    /**
     * True when {@code out[j]} depends on the inputs at position {@code j} only (and on {@code first + j}): the
     * executor may then decode, check and merge a chunk block by block while each block is in cache, instead of
     * decoding the whole chunk first. Mergers that read other positions (whole rows) keep the default, false.
     */
    default boolean elementwise() {
        return false;
    }

    /** {@code merger}, declared {@link #elementwise()}. */
    static ChunkMerger elementwise(ChunkMerger merger) {
        return new ChunkMerger() {
            @Override
            public void merge(long first, float[] base, float[][] models, float[] out, int from, int to) {
                merger.merge(first, base, models, out, from, to);
            }

            @Override
            public boolean elementwise() {
                return true;
            }
        };
    }
}
