package io.embedmerge.support;

/**
 * Reference rounding of float64 values to bf16 and f16, by choosing the nearer of the two neighbouring
 * representable values (ties to the even mantissa), computed in double arithmetic. Independent of the bit tricks
 * the service uses.
 */
public final class Rounding {

    private Rounding() {}

    /** bf16 of {@code (float) value}: PyTorch's {@code x.float().to(torch.bfloat16)}. */
    public static short toBf16Bits(double value) {
        float f = (float) value;
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(f);
        int down = bits & 0xFFFF0000;
        int up = down + 0x10000;
        double lower = Float.intBitsToFloat(down);
        // Past the largest finite bf16, IEEE rounding treats 2^128 as the next value (overflow to infinity).
        double upper = Float.isInfinite(Float.intBitsToFloat(up))
                ? Math.copySign(Math.pow(2, 128), f)
                : Float.intBitsToFloat(up);
        double dLow = Math.abs(f - lower);
        double dUp = Math.abs(upper - f);
        int chosen;
        if (dLow < dUp) {
            chosen = down;
        } else if (dUp < dLow) {
            chosen = up;
        } else {
            chosen = ((down >>> 16) & 1) == 0 ? down : up;
        }
        return (short) (chosen >>> 16);
    }

    /** f16 of {@code (float) value}, round half to even, with subnormals and overflow to infinity. */
    public static short toF16Bits(double value) {
        float f = (float) value;
        if (Float.isNaN(f)) {
            return (short) 0x7E00;
        }
        int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
        double a = Math.abs((double) f);
        // Enumerate the candidates around a on the f16 grid: find the largest f16 magnitude <= a.
        int lo = 0;
        int hi = 0x7C00;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fromF16Bits((short) mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int below = lo;
        if (fromF16Bits((short) below) == a || below == 0x7C00) {
            return (short) (sign | below);
        }
        int above = below + 1;
        double max = 65504.0;
        if (below == 0x7BFF && a >= max + 16.0) {
            return (short) (sign | 0x7C00);
        }
        double dLow = a - fromF16Bits((short) below);
        double dUp = (above == 0x7C00 ? max + 32.0 : fromF16Bits((short) above)) - a;
        int chosen = dLow < dUp ? below : dUp < dLow ? above : ((below & 1) == 0 ? below : above);
        return (short) (sign | chosen);
    }

    public static double fromF16Bits(short bits) {
        int b = bits & 0xFFFF;
        int sign = (b & 0x8000) != 0 ? -1 : 1;
        int exponent = (b >>> 10) & 0x1F;
        int mantissa = b & 0x3FF;
        if (exponent == 0) {
            return sign * mantissa * Math.pow(2, -24);
        }
        if (exponent == 31) {
            return mantissa == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
    }
}
