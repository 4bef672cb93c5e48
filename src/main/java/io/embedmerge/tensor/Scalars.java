package io.embedmerge.tensor;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant inside differentiable expressions. DJL's {@code x.mul(2.0)} wraps the number in a
 * tensor over a Java direct buffer (torch::from_blob, not copied) and closes that wrapper right after the op; autograd
 * keeps the tensor for the backward pass, so once garbage collection frees the buffer the backward pass reads freed
 * memory (NaN gradients, at random). The constants here are copied into PyTorch's own memory first.
 */
public final class Scalars {

    private Scalars() {}

    /** A 0-d tensor of {@code like}'s type and device holding {@code value}, owned by PyTorch. */
    public static NDArray of(NDArray like, double value) {
        try (NDArray wrapped = like.getManager().create(value)) {
            NDArray typed = wrapped.toType(like.getDataType(), false);
            // toType returns the same (Java-backed) tensor when the type already matches: copy it then
            return typed == wrapped ? wrapped.duplicate() : typed;
        }
    }

    public static NDArray times(NDArray x, double value) {
        try (NDArray constant = of(x, value)) {
            return x.mul(constant);
        }
    }

    public static NDArray dividedBy(NDArray x, double value) {
        try (NDArray constant = of(x, value)) {
            return x.div(constant);
        }
    }

    public static NDArray plus(NDArray x, double value) {
        try (NDArray constant = of(x, value)) {
            return x.add(constant);
        }
    }

    /** max(x, value) elementwise. */
    public static NDArray atLeast(NDArray x, double value) {
        try (NDArray constant = of(x, value)) {
            return x.maximum(constant);
        }
    }
}
