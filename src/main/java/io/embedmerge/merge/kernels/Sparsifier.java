package io.embedmerge.merge.kernels;

/**
 * Step 1 of the task-arithmetic family: the kept (and, for random drops, rescaled) task-vector entries τ'_i of one
 * model. Task-vector entries are float32 differences, as PyTorch computes {@code finetuned - base}. An instance may
 * keep per-call state, so each merge call gets its own.
 */
@FunctionalInterface
public interface Sparsifier {

    /** Keeps every entry: τ' = θ_i − θ0. */
    Sparsifier NONE = (model, first, base, m, t, start, end) -> {
        for (int j = start; j < end; j++) {
            t[j - start] = m[j] - base[j];
        }
    };

    /**
     * Writes τ'_i for chunk positions [start, end) into {@code t[0 .. end-start)}; chunk position 0 is element
     * {@code first} of the tensor.
     */
    void apply(int model, long first, float[] base, float[] m, double[] t, int start, int end);
}
