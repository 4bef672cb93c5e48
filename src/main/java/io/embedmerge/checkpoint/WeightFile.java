package io.embedmerge.checkpoint;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;

/** One memory-mapped file of tensors: safetensors, or a legacy PyTorch zip checkpoint. */
public sealed interface WeightFile extends AutoCloseable permits SafetensorsFile, TorchZipFile {

    Path path();

    /** Tensors by name; offsets are absolute in the file. */
    Map<String, TensorInfo> tensors();

    /** Decodes elements {@code [first, first + count)} of a floating tensor to float32. */
    void readFloats(TensorInfo tensor, long first, float[] dst, int count);

    /** The raw bytes of a tensor, for copying tensors that are not merged. */
    MemorySegment bytes(TensorInfo tensor);

    /** Drops the pages of elements {@code [first, first + count)} from this process's resident set. */
    void release(TensorInfo tensor, long first, long count);

    @Override
    void close();
}
