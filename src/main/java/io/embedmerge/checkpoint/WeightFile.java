package io.embedmerge.checkpoint;

import io.embedmerge.tensor.FloatCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;

/** One memory-mapped file of tensors: safetensors, or a legacy PyTorch zip checkpoint. */
public abstract sealed class WeightFile implements AutoCloseable permits SafetensorsFile, TorchZipFile {

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final Map<String, TensorInfo> tensors;

    WeightFile(Path path, Arena arena, MemorySegment segment, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.tensors = tensors;
    }

    public Path path() {
        return path;
    }

    /** Tensors by name; offsets are absolute in the file. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Decodes a whole floating tensor to float32 (for tensors read at once rather than in chunks). */
    public float[] readFloats(TensorInfo tensor) {
        float[] values = new float[Math.toIntExact(tensor.elementCount())];
        readFloats(tensor, 0, values, values.length);
        return values;
    }

    /** Decodes elements {@code [first, first + count)} of a floating tensor to float32. */
    public void readFloats(TensorInfo tensor, long first, float[] dst, int count) {
        readFloats(tensor, first, dst, 0, count);
    }

    /** Decodes elements {@code [first, first + count)} into {@code dst[at .. at + count)}. */
    public void readFloats(TensorInfo tensor, long first, float[] dst, int at, int count) {
        FloatCodec.decode(segment, tensor.begin() + first * tensor.dtype().byteSize(), tensor.dtype(), dst, at, count);
    }

    /** The raw bytes of a tensor, for copying tensors that are not merged. */
    public MemorySegment bytes(TensorInfo tensor) {
        return segment.asSlice(tensor.begin(), tensor.byteSize());
    }

    /**
     * Drops the pages of elements {@code [first, first + count)} from this process's resident set (madvise
     * DONTNEED on the read-only mapping; the OS page cache keeps them), so resident memory stays bounded by the
     * chunk being processed rather than growing with everything read.
     */
    public void release(TensorInfo tensor, long first, long count) {
        long size = tensor.dtype().byteSize();
        segment.asSlice(tensor.begin() + first * size, count * size).unload();
    }

    @Override
    public void close() {
        arena.close();
    }
}
