package io.embedmerge.checkpoint;

import io.embedmerge.tensor.DType;
import java.util.List;

/** Name, element type and shape of a tensor to be written. */
public record TensorSpec(String name, DType dtype, List<Long> shape) {

    public TensorSpec {
        shape = List.copyOf(shape);
    }

    public long elementCount() {
        return elementCount(shape);
    }

    static long elementCount(List<Long> shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return Math.multiplyExact(elementCount(), dtype.byteSize());
    }
}
