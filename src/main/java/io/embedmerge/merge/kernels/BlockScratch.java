package io.embedmerge.merge.kernels;

/**
 * Working memory for one block of {@link #SIZE} positions (or of a given capacity): the sparsified entries of each
 * model and the per-position sums of the consensus step. Float64 (votes and sums are float64 by contract), which also tells the JIT that it
 * cannot alias the float32 inputs. Never shared between threads: one per call, or the calling thread's own.
 */
public final class BlockScratch {

    public static final int SIZE = 1024;
    private static final ThreadLocal<BlockScratch> OF_THREAD = new ThreadLocal<>();

    final double[][] entries;
    final double[] vote;
    final double[] sign;
    final double[] divisor;
    final double[] merged;

    public BlockScratch(int models) {
        this(models, SIZE);
    }

    /** A scratch for blocks of up to {@code capacity} positions (whole rows of a row-wise sparsifier). */
    public BlockScratch(int models, int capacity) {
        entries = new double[models][capacity];
        vote = new double[capacity];
        sign = new double[capacity];
        divisor = new double[capacity];
        merged = new double[capacity];
    }

    /** Most positions of one block. */
    public int capacity() {
        return merged.length;
    }

    /**
     * This thread's scratch for {@code models} models, reused between calls: elementwise merges are called once per
     * cache-sized block, far too often to allocate each time. Callers must not nest uses on one thread.
     */
    public static BlockScratch ofThread(int models) {
        BlockScratch scratch = OF_THREAD.get();
        if (scratch == null || scratch.entries.length != models) {
            scratch = new BlockScratch(models);
            OF_THREAD.set(scratch);
        }
        return scratch;
    }

    /** The entries of model i for the block's positions. */
    public double[] entries(int model) {
        return entries[model];
    }

    /** The merged τ̂ of the block's positions after {@link SignConsensus#merge}. */
    public double[] merged() {
        return merged;
    }
}
