package io.embedmerge.model.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Protocol-buffers wire format over a memory segment with long offsets (ONNX files can exceed 2 GiB): just what
 * reading an ONNX model needs. Length-delimited fields are returned as slices, never copied.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final MemorySegment data;
    private long position;
    private int field;
    private int wireType;

    ProtoReader(MemorySegment data) {
        this.data = data;
    }

    /** Advances to the next field; false at the end. */
    boolean next() {
        if (position >= data.byteSize()) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = data.get(ValueLayout.JAVA_BYTE, position++);
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new OnnxFormatException("malformed varint at byte " + position);
    }

    MemorySegment bytes() {
        long length = varint();
        if (length < 0 || position + length > data.byteSize()) {
            throw new OnnxFormatException("a field of " + length + " bytes runs past the end of its message");
        }
        MemorySegment slice = data.asSlice(position, length);
        position += length;
        return slice;
    }

    String string() {
        return new String(bytes().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** A repeated int64 field, packed or not, appended to {@code out}. */
    void int64s(java.util.List<Long> out) {
        if (wireType == LENGTH_DELIMITED) {
            ProtoReader packed = new ProtoReader(bytes());
            while (packed.position < packed.data.byteSize()) {
                out.add(packed.varint());
            }
        } else {
            out.add(varint());
        }
    }

    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> position += 8;
            case LENGTH_DELIMITED -> bytes();
            case FIXED32 -> position += 4;
            default -> throw new OnnxFormatException("unsupported wire type " + wireType + " at byte " + position);
        }
    }
}
