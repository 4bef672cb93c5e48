package io.embedmerge.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.Rounding;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** bf16 and f16 encoding must round to nearest even, like PyTorch; checked against a reference rounding. */
class FloatCodecTest {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float[] samples() {
        SplittableRandom random = new SplittableRandom(7);
        float[] values = new float[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (i % 4) {
                case 0 -> (float) random.nextGaussian();
                case 1 -> (float) (random.nextGaussian() * 1e-5);
                case 2 -> Float.intBitsToFloat(random.nextInt());
                // exact ties between two bf16 values: low 16 bits = 0x8000
                default -> Float.intBitsToFloat((random.nextInt() & 0xFFFF0000) | 0x8000);
            };
        }
        float[] edges = {
            0f,
            -0f,
            1f,
            -1f,
            65504f,
            65519.99f,
            65520f,
            1e-8f,
            6.1e-5f,
            5.96e-8f,
            Float.MAX_VALUE,
            Float.MIN_VALUE,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY
        };
        System.arraycopy(edges, 0, values, 0, edges.length);
        return values;
    }

    @Test
    void bf16EncodingRoundsToNearestEven() {
        float[] values = samples();
        MemorySegment out = MemorySegment.ofArray(new byte[values.length * 2]);
        FloatCodec.encode(values, 0, values.length, DType.BF16, out, 0);
        for (int i = 0; i < values.length; i++) {
            if (Float.isNaN(values[i])) {
                assertThat(Float.isNaN(FloatCodec.bf16ToFloat(out.getAtIndex(U16, i))))
                        .isTrue();
                continue;
            }
            assertThat(out.getAtIndex(U16, i)).as("bf16 of %s", values[i]).isEqualTo(Rounding.toBf16Bits(values[i]));
        }
    }

    @Test
    void f16EncodingRoundsToNearestEven() {
        float[] values = samples();
        MemorySegment out = MemorySegment.ofArray(new byte[values.length * 2]);
        FloatCodec.encode(values, 0, values.length, DType.F16, out, 0);
        for (int i = 0; i < values.length; i++) {
            if (Float.isNaN(values[i])) {
                continue;
            }
            assertThat(out.getAtIndex(U16, i)).as("f16 of %s", values[i]).isEqualTo(Rounding.toF16Bits(values[i]));
        }
    }

    @Test
    void decodingInvertsEncodingForRepresentableValues() {
        float[] values = samples();
        for (DType type : new DType[] {DType.F32, DType.F16, DType.BF16, DType.F64}) {
            MemorySegment buffer = MemorySegment.ofArray(new byte[values.length * type.byteSize()]);
            FloatCodec.encode(values, 0, values.length, type, buffer, 0);
            float[] decoded = new float[values.length];
            FloatCodec.decode(buffer, 0, type, decoded, values.length);
            float[] again = new float[values.length];
            MemorySegment second = MemorySegment.ofArray(new byte[values.length * type.byteSize()]);
            FloatCodec.encode(decoded, 0, decoded.length, type, second, 0);
            FloatCodec.decode(second, 0, type, again, values.length);
            assertThat(again).as(type.name()).containsExactly(decoded);
        }
    }
}
