package io.embedmerge.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Decodes little-endian f16/bf16/f32/f64 element runs to float32 and encodes them back, rounding to nearest even
 * like PyTorch's {@code tensor.to(dtype)}.
 */
public final class FloatCodec {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int BLOCK = 4096;

    private FloatCodec() {}

    /** Reads {@code count} elements of {@code type} starting at byte {@code offset} into {@code dst[0..count)}. */
    public static void decode(MemorySegment src, long offset, DType type, float[] dst, int count) {
        decode(src, offset, type, dst, 0, count);
    }

    /** Reads {@code count} elements starting at byte {@code offset} into {@code dst[at..at+count)}. */
    public static void decode(MemorySegment src, long offset, DType type, float[] dst, int at, int count) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, F32, offset, dst, at, count);
            case F16, BF16 -> {
                // bulk-copy blocks of 16-bit values, then convert in a loop the JIT vectorises
                short[] block = new short[Math.min(count, BLOCK)];
                boolean half = type == DType.F16;
                for (int done = 0; done < count; done += block.length) {
                    int n = Math.min(block.length, count - done);
                    MemorySegment.copy(src, U16, offset + 2L * done, block, 0, n);
                    if (half) {
                        for (int i = 0; i < n; i++) {
                            dst[at + done + i] = Float.float16ToFloat(block[i]);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            dst[at + done + i] = Float.intBitsToFloat((block[i] & 0xFFFF) << 16);
                        }
                    }
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = (float) src.get(F64, offset + 8L * i);
                }
            }
            default -> throw new IllegalArgumentException("dtype " + type + " is not a floating type");
        }
    }

    /** Writes {@code src[from..from+count)} as {@code type} into {@code dst} starting at byte {@code offset}. */
    public static void encode(float[] src, int from, int count, DType type, MemorySegment dst, long offset) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, from, dst, F32, offset, count);
            case F16, BF16 -> {
                short[] block = new short[Math.min(count, BLOCK)];
                boolean half = type == DType.F16;
                for (int done = 0; done < count; done += block.length) {
                    int n = Math.min(block.length, count - done);
                    if (half) {
                        for (int i = 0; i < n; i++) {
                            block[i] = Float.floatToFloat16(src[from + done + i]);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            block[i] = floatToBf16(src[from + done + i]);
                        }
                    }
                    MemorySegment.copy(block, 0, dst, U16, offset + 2L * done, n);
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(F64, offset + 8L * i, src[from + i]);
                }
            }
            default -> throw new IllegalArgumentException("dtype " + type + " is not a floating type");
        }
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest, ties to even; NaN stays a quiet NaN with its sign. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }
}
