package io.embedmerge.checkpoint;

import io.embedmerge.tensor.DType;
import io.embedmerge.tensor.FloatCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a safetensors file: the header (padded with spaces to a multiple of 8 bytes, {@code __metadata__} first)
 * is written up front, then each tensor's data in the order given, chunk by chunk.
 */
public final class SafetensorsWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BUFFER_BYTES = 1 << 20;

    private final OutputStream out;
    private final List<TensorSpec> tensors;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final MemorySegment bufferSegment = MemorySegment.ofArray(buffer);
    private int buffered;
    private int current;
    private long writtenOfCurrent;

    private SafetensorsWriter(OutputStream out, List<TensorSpec> tensors) {
        this.out = out;
        this.tensors = List.copyOf(tensors);
    }

    public static SafetensorsWriter start(OutputStream out, List<TensorSpec> tensors, Map<String, String> metadata) {
        SafetensorsWriter writer = new SafetensorsWriter(out, tensors);
        writer.writeHeader(metadata);
        return writer;
    }

    /** Total file size that {@link #start} will produce for these tensors. */
    public static long fileSize(List<TensorSpec> tensors, Map<String, String> metadata) {
        long data = tensors.stream().mapToLong(TensorSpec::byteSize).sum();
        return 8 + headerBytes(tensors, metadata).length + data;
    }

    private static byte[] headerBytes(List<TensorSpec> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (TensorSpec t : tensors) {
            ObjectNode node = header.putObject(t.name());
            node.put("dtype", t.dtype().name());
            var shape = node.putArray("shape");
            t.shape().forEach(shape::add);
            var offsets = node.putArray("data_offsets");
            offsets.add(offset);
            offset += t.byteSize();
            offsets.add(offset);
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] result = Arrays.copyOf(json, padded);
        Arrays.fill(result, json.length, padded, (byte) ' ');
        return result;
    }

    private void writeHeader(Map<String, String> metadata) {
        byte[] header = headerBytes(tensors, metadata);
        MemorySegment.ofArray(buffer)
                .set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, header.length);
        buffered = 8;
        flushBuffer();
        try {
            out.write(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        skipEmptyTensors();
    }

    /** The tensor whose data is expected next, or null when all are written. */
    public TensorSpec next() {
        return current < tensors.size() ? tensors.get(current) : null;
    }

    /** Appends {@code count} float32 values to the current tensor, encoded as its dtype. */
    public void writeFloats(float[] values, int count) {
        TensorSpec tensor = expectRoom(count);
        DType dtype = tensor.dtype();
        int perChunk = BUFFER_BYTES / dtype.byteSize();
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, perChunk);
            if (buffered + (long) n * dtype.byteSize() > BUFFER_BYTES) {
                flushBuffer();
            }
            FloatCodec.encode(values, done, n, dtype, bufferSegment, buffered);
            buffered += n * dtype.byteSize();
            done += n;
        }
        advance(count);
    }

    /** Appends raw bytes (already in the tensor's dtype) to the current tensor. */
    public void writeBytes(MemorySegment bytes) {
        TensorSpec tensor = expectRoom(bytes.byteSize() / tensor().dtype().byteSize());
        long size = bytes.byteSize();
        for (long done = 0; done < size; ) {
            if (buffered == BUFFER_BYTES) {
                flushBuffer();
            }
            int n = (int) Math.min(size - done, BUFFER_BYTES - buffered);
            MemorySegment.copy(bytes, done, bufferSegment, buffered, n);
            buffered += n;
            done += n;
        }
        advance(size / tensor.dtype().byteSize());
    }

    private TensorSpec tensor() {
        if (current >= tensors.size()) {
            throw new IllegalStateException("all tensors are already written");
        }
        return tensors.get(current);
    }

    private TensorSpec expectRoom(long elements) {
        TensorSpec tensor = tensor();
        if (writtenOfCurrent + elements > tensor.elementCount()) {
            throw new IllegalStateException("too many elements for tensor '" + tensor.name() + "'");
        }
        return tensor;
    }

    private void advance(long elements) {
        writtenOfCurrent += elements;
        if (writtenOfCurrent == tensors.get(current).elementCount()) {
            current++;
            writtenOfCurrent = 0;
            skipEmptyTensors();
        }
    }

    private void skipEmptyTensors() {
        while (current < tensors.size() && tensors.get(current).elementCount() == 0) {
            current++;
        }
    }

    /** Flushes buffered data; fails if any tensor was left incomplete. Does not close the stream. */
    public void finish() {
        if (current != tensors.size()) {
            throw new IllegalStateException("tensor '" + tensors.get(current).name() + "' was not fully written");
        }
        flushBuffer();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushBuffer() {
        if (buffered == 0) {
            return;
        }
        try {
            out.write(buffer, 0, buffered);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffered = 0;
    }
}
