package io.embedmerge.merge;

/** Task-vector entries v = θ_i − θ0 in float32, as PyTorch computes {@code finetuned - base}. */
final class TaskVector {

    private TaskVector() {
    }

    static void of(float[] base, float[] model, float[] out, int count) {
        for (int j = 0; j < count; j++) {
            out[j] = model[j] - base[j];
        }
    }
}
