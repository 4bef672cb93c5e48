package io.embedmerge.merge.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DELLA's two kernel paths give the same bytes: {@link RankedDrop#group} (a whole group, radix rank fused with the
 * draw) and {@link RankedDrop#apply} (rank, then draw position by position, over any blocks), and both give exactly
 * the definition: rank by |v| then position, kept where uniform &lt; p, v/p or +0.0. Rows of many lengths and value
 * patterns: Gaussian, ties and zeros, bf16-like low bits, NaN, ±Inf and −0.0, thirty binades of range (three radix
 * passes), segments of rows longer than the group limit.
 */
class RankedDropTest {

    private static final long SEED = 77;
    private static final double[] DENSITY = {0.5, 0.9, 0.3};
    private static final double[] EPSILON = {0.15, 0.1, 0.0};

    private record Inputs(float[] base, float[][] models) {}

    private static Inputs inputs(int length, Random random, String pattern) {
        float[] base = new float[length];
        float[][] models = new float[DENSITY.length][length];
        for (int j = 0; j < length; j++) {
            base[j] = (float) random.nextGaussian();
            for (float[] m : models) {
                double d = switch (pattern) {
                    case "gaussian" -> random.nextGaussian() * 1e-3;
                    case "ties" -> Math.round(random.nextGaussian() * 4) / 8.0;
                    case "zero" -> 0;
                    case "range" -> random.nextGaussian() * Math.pow(10, random.nextInt(60) - 30);
                    // bunched: all but a few magnitudes within a millionth of each other, one tiny (sorting the top
                    // bits leaves them in one bucket: the insertion sort gives up and every bit is sorted)
                    case "bunched" -> random.nextInt(50) == 0 ? 1e-30 : (1 + random.nextDouble() * 1e-6) * 0.01;
                    default -> throw new IllegalArgumentException(pattern);
                };
                m[j] = pattern.equals("zero") ? base[j] : (float) (base[j] + d);
            }
        }
        if (pattern.equals("gaussian") && length > 8) {
            models[0][1] = Float.NaN;
            models[1][2] = Float.POSITIVE_INFINITY;
            models[2][3] = Float.NEGATIVE_INFINITY;
            base[4] = 0f;
            models[0][4] = -0f;
            models[1][5] = base[5];
        }
        return new Inputs(base, models);
    }

    /** bf16-like inputs: the low 16 bits of every value zero, so the low digits of many |v| are constant. */
    private static Inputs bf16(int length, Random random) {
        Inputs in = inputs(length, random, "gaussian");
        for (int j = 0; j < length; j++) {
            in.base()[j] = Float.intBitsToFloat(Float.floatToRawIntBits((float) random.nextGaussian()) & 0xFFFF0000);
            for (float[] m : in.models()) {
                float v = (float) (in.base()[j] + random.nextGaussian() * 0.05);
                m[j] = Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xFFFF0000);
            }
        }
        return in;
    }

    private static long[] streams(DropMask mask) {
        long[] streams = new long[DENSITY.length];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = mask.stream(i, "encoder.layer.3.output.dense.weight");
        }
        return streams;
    }

    /** The definition, group by group: a comparison sort of (|v|, position), then the draw of each entry. */
    private static double[] reference(Inputs in, int model, long first, long rowLength, int maxGroup) {
        DropMask mask = new DropMask(SEED);
        long stream = streams(mask)[model];
        int length = in.base().length;
        double[] t = new double[length];
        for (int start = 0; start < length; ) {
            long gs = RankedDrop.groupStart(first + start, rowLength, maxGroup);
            int size = (int) (RankedDrop.groupEnd(gs, rowLength, maxGroup) - gs);
            int from = (int) (gs - first);
            float[] v = new float[size];
            Integer[] order = new Integer[size];
            for (int k = 0; k < size; k++) {
                v[k] = in.models()[model][from + k] - in.base()[from + k];
                order[k] = k;
            }
            Arrays.sort(order, (x, y) -> {
                int c = Integer.compare(
                        Float.floatToRawIntBits(v[x]) & 0x7FFFFFFF, Float.floatToRawIntBits(v[y]) & 0x7FFFFFFF);
                return c != 0 ? c : Integer.compare(x, y);
            });
            for (int r = 0; r < size; r++) {
                int k = order[r];
                double p = size == 1
                        ? DENSITY[model]
                        : (DENSITY[model] - EPSILON[model]) + (2 * EPSILON[model] / (size - 1)) * r;
                t[from + k] = mask.uniform(stream, first + from + k) < p ? v[k] / p : 0;
            }
            start = from + size;
        }
        return t;
    }

    private static RankedDrop drop(long rowLength, int maxGroup) {
        DropMask mask = new DropMask(SEED);
        return new RankedDrop(mask, streams(mask), DENSITY, EPSILON, rowLength, maxGroup);
    }

    /** {@link RankedDrop#group} over every group, each written at an offset into a wider array. */
    private static double[] fused(Inputs in, int model, long first, long rowLength, int maxGroup) {
        RankedDrop drop = drop(rowLength, maxGroup);
        RankedDrop.Work work = RankedDrop.Work.ofThread(DENSITY.length, BlockScratch.SIZE);
        int length = in.base().length;
        double[] t = new double[length];
        for (int start = 0; start < length; ) {
            long gs = RankedDrop.groupStart(first + start, rowLength, maxGroup);
            int size = (int) (RankedDrop.groupEnd(gs, rowLength, maxGroup) - gs);
            double[] out = new double[size + 5];
            Arrays.fill(out, Double.NaN);
            drop.group(model, first, in.base(), in.models()[model], start, size, out, 5, work);
            System.arraycopy(out, 5, t, start, size);
            start += size;
        }
        return t;
    }

    /** {@link RankedDrop#apply} over blocks of the given length, one instance for all of them. */
    private static double[] blocks(Inputs in, int model, long first, long rowLength, int maxGroup, int block) {
        RankedDrop drop = drop(rowLength, maxGroup);
        int length = in.base().length;
        double[] t = new double[length];
        double[] scratch = new double[block];
        for (int start = 0; start < length; start += block) {
            int end = Math.min(length, start + block);
            drop.apply(model, first, in.base(), in.models()[model], scratch, start, end);
            System.arraycopy(scratch, 0, t, start, end - start);
        }
        return t;
    }

    /** Bit for bit, except that a zero may have either sign (every combine step adds entries to +0.0). */
    private static void assertSameBits(double[] expected, double[] actual, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int j = 0; j < expected.length; j++) {
            boolean zeros = expected[j] == 0 && actual[j] == 0;
            if (!zeros && Double.doubleToRawLongBits(expected[j]) != Double.doubleToRawLongBits(actual[j])) {
                throw new AssertionError(what + ": position " + j + " is " + actual[j] + ", expected " + expected[j]);
            }
        }
    }

    private static void check(Inputs in, long first, long rowLength, int maxGroup, String what) {
        for (int model = 0; model < DENSITY.length; model++) {
            double[] expected = reference(in, model, first, rowLength, maxGroup);
            String label = what + " model " + model;
            assertSameBits(expected, fused(in, model, first, rowLength, maxGroup), label + " (group)");
            for (int block : new int[] {1, 7, 1024}) {
                assertSameBits(
                        expected,
                        blocks(in, model, first, rowLength, maxGroup, block),
                        label + " (apply, blocks of " + block + ")");
            }
        }
    }

    @Test
    void bothPathsAreTheDefinitionOnRowsOfEveryKind() {
        Random random = new Random(5);
        List<String> patterns = List.of("gaussian", "ties", "zero", "range", "bunched");
        for (int row : new int[] {1, 2, 3, 17, 768, 1031, 3072}) {
            for (String pattern : patterns) {
                int rows = Math.max(2, 4000 / row);
                check(inputs(rows * row, random, pattern), (long) row * 3, row, 1 << 20, pattern + ", rows of " + row);
            }
            check(bf16(Math.max(2, 4000 / row) * row, random), 0, row, 1 << 20, "bf16, rows of " + row);
        }
    }

    @Test
    void rowsLongerThanTheGroupLimitAreRankedInSegments() {
        Random random = new Random(6);
        // rows of 5000 in segments of 1500 (the last 500); a chunk starts at a segment start
        check(inputs(2 * 5000, random, "gaussian"), 5000, 5000, 1500, "segments");
        check(inputs(2 * 5000, random, "ties"), 0, 5000, 1500, "segments with ties");
    }

    @Test
    void aGroupLongerThanTheFusedLimitStillMatches() {
        Random random = new Random(7);
        int row = RankedDrop.FUSED_LIMIT + 3;
        Inputs in = inputs(row, random, "gaussian");
        for (int model = 0; model < DENSITY.length; model++) {
            double[] expected = reference(in, model, 0, row, 1 << 20);
            assertSameBits(expected, fused(in, model, 0, row, 1 << 20), "long group (group)");
            assertSameBits(expected, blocks(in, model, 0, row, 1 << 20, 1024), "long group (apply)");
        }
    }

    @Test
    void uniformsAreTheDrawsBitForBit() {
        DropMask mask = new DropMask(SEED);
        Random random = new Random(9);
        for (long first : new long[] {0, 1, 767, 1L << 31, Long.MAX_VALUE - 5000, random.nextLong() & Long.MAX_VALUE}) {
            long stream = random.nextLong();
            double[] out = new double[3000];
            DropMask.uniforms(stream, first, out, out.length, new long[out.length]);
            for (int k = 0; k < out.length; k++) {
                assertThat(Double.doubleToRawLongBits(out[k]))
                        .isEqualTo(Double.doubleToRawLongBits(mask.uniform(stream, first + k)));
            }
        }
    }
}
