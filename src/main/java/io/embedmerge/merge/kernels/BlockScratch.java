package io.embedmerge.merge.kernels;

/**
 * Working memory for one block of {@link #SIZE} positions: the sparsified entries of each model and the per-position
 * sums of the consensus step. Float64 (votes and sums are float64 by contract), which also tells the JIT that it
 * cannot alias the float32 inputs. One per call, never shared between threads.
 */
public final class BlockScratch {

    public static final int SIZE = 1024;

    final double[][] entries;
    final double[] vote = new double[SIZE];
    final double[] sign = new double[SIZE];
    final double[] divisor = new double[SIZE];
    final double[] merged = new double[SIZE];

    public BlockScratch(int models) {
        entries = new double[models][SIZE];
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
