package io.embedmerge.model;

import ai.djl.ndarray.NDArray;

/** Receives the input of a Linear layer during a forward pass (RegMean accumulates XᵀX from these). */
@FunctionalInterface
public interface LinearInputRecorder {

    /**
     * @param prefix    the layer, e.g. {@code encoder.layer.0.attention.self.query}
     * @param input     [batch, length, in]
     * @param tokenMask [batch, length], 1 for tokens and 0 for padding
     */
    void record(String prefix, NDArray input, NDArray tokenMask);
}
