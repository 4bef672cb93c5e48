package io.embedmerge.merge.kernels;

import java.nio.charset.StandardCharsets;

/**
 * DARE's random drops, as a pure function of (seed, model, tensor name, element index): the same request gives the
 * same bytes whatever the chunking or thread order. Uses the SplitMix64 finaliser as a counter-based generator.
 */
public final class DropMask {

    private final long seed;
    private final double keepProbability;

    public DropMask(long seed, double keepProbability) {
        this.seed = seed;
        this.keepProbability = keepProbability;
    }

    /** The stream of one model's tensor. */
    public long stream(int model, String tensorName) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L * (model + 1));
        for (byte b : tensorName.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        return h;
    }

    public boolean keep(long stream, long element) {
        double u = (mix(stream + 0x9E3779B97F4A7C15L * (element + 1)) >>> 11) * 0x1.0p-53;
        return u < keepProbability;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
