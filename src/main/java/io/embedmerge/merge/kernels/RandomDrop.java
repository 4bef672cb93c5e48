package io.embedmerge.merge.kernels;

/**
 * DARE's drop: each entry of model i survives with probability ρ_i (a pure function of seed, model, tensor and
 * element, see {@link DropMask}); survivors are multiplied by {@code rescale[i]} (1 when the caller applies 1/ρ
 * in its own scale).
 */
public final class RandomDrop implements Sparsifier {

    private final DropMask mask;
    private final long[] streams;
    private final double[] keep;
    private final double[] rescale;

    public RandomDrop(DropMask mask, long[] streams, double[] keep, double[] rescale) {
        this.mask = mask;
        this.streams = streams.clone();
        this.keep = keep.clone();
        this.rescale = rescale.clone();
    }

    @Override
    public void apply(int model, long first, float[] base, float[] m, double[] t, int start, int end) {
        long stream = streams[model];
        double p = keep[model];
        double r = rescale[model];
        if (r == 1) {
            for (int j = start; j < end; j++) {
                t[j - start] = mask.keep(stream, first + j, p) ? m[j] - base[j] : 0f;
            }
        } else {
            for (int j = start; j < end; j++) {
                t[j - start] = mask.keep(stream, first + j, p) ? (m[j] - base[j]) * r : 0;
            }
        }
    }
}
