package io.embedmerge.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.embedmerge.tensor.DType;

/** Storage type of the merged floating tensors. */
public enum OutputDtype {
    @JsonProperty("f32")
    F32(DType.F32),
    @JsonProperty("f16")
    F16(DType.F16),
    @JsonProperty("bf16")
    BF16(DType.BF16);

    private final DType dtype;

    OutputDtype(DType dtype) {
        this.dtype = dtype;
    }

    public DType dtype() {
        return dtype;
    }
}
