package io.embedmerge.merge.kernels;

/** Task-vector entries v = θ_i − θ0 in float32, as PyTorch computes {@code finetuned - base}. */
public final class TaskVector {

    private TaskVector() {}

    public static void of(float[] base, float[] model, float[] out, int from, int to) {
        for (int j = from; j < to; j++) {
            out[j] = model[j] - base[j];
        }
    }
}
