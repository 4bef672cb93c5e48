package io.embedmerge.checkpoint;

import io.embedmerge.tensor.FloatCodec;

import java.lang.foreign.MemorySegment;

/** Element access shared by the memory-mapped weight files. */
final class MappedTensors {

    private MappedTensors() {
    }

    static void readFloats(MemorySegment file, TensorInfo tensor, long first, float[] dst, int count) {
        FloatCodec.decode(file, tensor.begin() + first * tensor.dtype().byteSize(), tensor.dtype(), dst, count);
    }

    static void release(MemorySegment file, TensorInfo tensor, long first, long count) {
        long size = tensor.dtype().byteSize();
        file.asSlice(tensor.begin() + first * size, count * size).unload();
    }
}
