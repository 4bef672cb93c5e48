package io.embedmerge.merge.kernels;

import java.nio.charset.StandardCharsets;

/**
 * Random drops, as a pure function of (seed, model, tensor name, element index): the same request gives the
 * same bytes whatever the chunking or thread order. Uses the SplitMix64 finaliser as a counter-based generator.
 */
public final class DropMask {

    private final long seed;

    public DropMask(long seed) {
        this.seed = seed;
    }

    /** The stream of one model's tensor. */
    public long stream(int model, String tensorName) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L * (model + 1));
        for (byte b : tensorName.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        return h;
    }

    /** A uniform draw in [0, 1) for one element of a stream: {@link #bits} × 2⁻⁵³ (exact). */
    public double uniform(long stream, long element) {
        return bits(stream, element) * 0x1.0p-53;
    }

    /** The 53 random bits of one element's draw, an integer in [0, 2⁵³). */
    public static long bits(long stream, long element) {
        return mix(stream + 0x9E3779B97F4A7C15L * (element + 1)) >>> 11;
    }

    /**
     * {@code out[k] = uniform(stream, first + k)} for k in [0, count), bit for bit, in two loops the JIT handles better
     * than one: the counters by addition into {@code scratch}, then the hash and its 53 bits as a double (the top 31
     * and the low 22 converted as ints, exact), which needs no long-to-double conversion.
     */
    public static void uniforms(long stream, long first, double[] out, int count, long[] scratch) {
        long z = stream + 0x9E3779B97F4A7C15L * (first + 1);
        for (int k = 0; k < count; k++) {
            scratch[k] = z;
            z += 0x9E3779B97F4A7C15L;
        }
        for (int k = 0; k < count; k++) {
            long h = mix(scratch[k]);
            out[k] = (int) (h >>> 33) * 0x1.0p-31 + ((int) (h >>> 11) & 0x3FFFFF) * 0x1.0p-53;
        }
    }

    public boolean keep(long stream, long element, double keepProbability) {
        return uniform(stream, element) < keepProbability;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
