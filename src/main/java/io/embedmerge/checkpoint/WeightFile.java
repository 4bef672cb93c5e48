package io.embedmerge.checkpoint;

import io.embedmerge.tensor.FloatCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * One file of tensors: safetensors, or a legacy PyTorch zip checkpoint. The header and the tensors copied as bytes
 * come from a memory mapping; floating tensors are decoded from positional reads (pread) into reused buffers, which
 * on this project's virtual machines is 3–4× cheaper than faulting the mapping's pages in (about 0.25 s against
 * 0.8–1.1 s for 1.74 GB of cached inputs), keeps the process's resident set off the inputs, and turns a file
 * truncated under a running merge into an error naming it rather than a SIGBUS.
 */
public abstract sealed class WeightFile implements AutoCloseable permits SafetensorsFile, TorchZipFile {

    private final Path path;
    private final Arena arena;
    private final FileChannel channel;
    private final MemorySegment segment;
    private final Map<String, TensorInfo> tensors;
    private volatile boolean mappedOnly;

    /** Takes over the channel (closed with this file) and the arena of its mapping. */
    WeightFile(Path path, Arena arena, FileChannel channel, MemorySegment segment, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.arena = arena;
        this.channel = channel;
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

    /**
     * Decodes elements {@code [first, first + count)} into {@code dst[at .. at + count)}. A thread interrupted while
     * it reads (a worker stopped at shutdown) closes the channel for every thread, as NIO channels do; the file is
     * then read from its mapping from there on, so that an interrupt never fails a merge that other threads of it
     * are still reading.
     */
    public void readFloats(TensorInfo tensor, long first, float[] dst, int at, int count) {
        if (!mappedOnly) {
            try {
                read(tensor, first, dst, at, count);
                return;
            } catch (ClosedChannelException e) {
                mappedOnly = true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path.getFileName() + ": " + e.getMessage(), e);
            }
        }
        FloatCodec.decode(segment, tensor.begin() + first * tensor.dtype().byteSize(), tensor.dtype(), dst, at, count);
    }

    private void read(TensorInfo tensor, long first, float[] dst, int at, int count) throws IOException {
        int size = tensor.dtype().byteSize();
        int perRead = ReadBuffers.BUFFER_BYTES / size;
        ReadBuffers.Buffer buffer = ReadBuffers.acquire();
        try {
            for (int done = 0; done < count; ) {
                int n = Math.min(perRead, count - done);
                readFully(buffer.bytes(), tensor.begin() + (first + done) * size, n * size, tensor);
                FloatCodec.decode(buffer.segment(), 0, tensor.dtype(), dst, at + done, n);
                done += n;
            }
        } finally {
            ReadBuffers.release(buffer);
        }
    }

    private void readFully(ByteBuffer buffer, long position, int length, TensorInfo tensor) throws IOException {
        buffer.clear().limit(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new CheckpointFormatException(path.getFileName() + ": tensor '" + tensor.name()
                        + "' runs past the end of the file, which changed after it was opened");
            }
        }
    }

    /** The raw bytes of a tensor, for copying tensors that are not merged. */
    public MemorySegment bytes(TensorInfo tensor) {
        return segment.asSlice(tensor.begin(), tensor.byteSize());
    }

    @Override
    public void close() {
        closeQuietly(channel, arena);
    }

    /** Closes the channel (if open yet) and the mapping's arena; a read-only file loses nothing if the close fails. */
    static void closeQuietly(FileChannel channel, Arena arena) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing buffered to lose
        } finally {
            arena.close();
        }
    }
}
