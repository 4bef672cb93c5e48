package io.embedmerge.checkpoint;

import io.embedmerge.tensor.DType;
import java.util.List;

/** One tensor entry of a safetensors header; {@code begin}/{@code end} are absolute byte offsets in the file. */
public record TensorInfo(String name, DType dtype, List<Long> shape, long begin, long end) {

    public TensorInfo {
        shape = List.copyOf(shape);
    }

    public long elementCount() {
        return TensorSpec.elementCount(shape);
    }

    public long byteSize() {
        return end - begin;
    }
}
