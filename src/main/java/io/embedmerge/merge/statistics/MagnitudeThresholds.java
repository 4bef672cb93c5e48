package io.embedmerge.merge.statistics;

import io.embedmerge.merge.ChunkVisitor;
import io.embedmerge.merge.execution.ChunkRanges;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The exact k-th largest |v| of each model's task vector v = θ_i − θ0 (float32), found in streaming passes with
 * bounded memory: a histogram of the upper 16 bits of |v| (for non-negative floats the order of the bit patterns is
 * the order of the values), and a histogram of the lower 16 bits within the bin that holds the k-th value.
 * <p>
 * With a sample (a cheap pass over about a sixteenth of the entries) the bin is predicted before the full pass, which
 * then also counts the lower bits of the predicted bin and its two neighbours: when the exact bin is one of them,
 * one full pass suffices; otherwise a second full pass refines the bins the prediction missed. The result is the
 * same either way. Memory is 65536 long counters per model plus 65536 int counters per model and core, and with a
 * sample three bins of int counters per wanted rank, model and core (skipped beyond {@link #WINDOW_BUDGET_BYTES}).
 */
public final class MagnitudeThresholds {

    private static final int BINS = 1 << 16;
    private static final long FLUSH_AFTER = 1L << 30;
    /** Bins of lower-bit counters kept per wanted rank during the full pass: the predicted bin and its neighbours. */
    private static final int WINDOW = 3;
    /** Most memory the predicted bins' counters may take; more models or cores and the second pass is used. */
    static final long WINDOW_BUDGET_BYTES = 64L << 20;

    private MagnitudeThresholds() {
    }

    /**
     * @param pass    runs one pass over the entries, calling the visitor chunk by chunk
     * @param n       number of models
     * @param entries number of entries per model in the pass
     * @param density share ρ to keep; k = ⌈ρ·entries⌉
     * @return per model the k-th largest magnitude (0 when there are no entries)
     */
    public static float[] find(Consumer<ChunkVisitor> pass, int n, long entries, double density) {
        long[][] ranks = new long[n][1];
        for (long[] r : ranks) {
            r[0] = Math.max(1, (long) Math.ceil(density * entries));
        }
        float[][] found = findRanks(pass, null, n, entries, ranks);
        float[] thresholds = new float[n];
        for (int i = 0; i < n; i++) {
            thresholds[i] = found[i][0];
        }
        return thresholds;
    }

    /** {@link #findRanks(Consumer, Consumer, int, long, long[][])} without a sample: always two full passes. */
    public static float[][] findRanks(Consumer<ChunkVisitor> pass, int n, long entries, long[][] ranks) {
        return findRanks(pass, null, n, entries, ranks);
    }

    /**
     * The k-th largest magnitude of each model for every k in {@code ranks[i]} (each in [1, entries]), whatever the
     * number of ranks in one full pass when the sample predicts every bin, else two; returns 0 for every rank when
     * there are no entries.
     *
     * @param sample a pass over a sample of the same entries (same models and order), or null
     */
    public static float[][] findRanks(Consumer<ChunkVisitor> pass, Consumer<ChunkVisitor> sample, int n, long entries,
                                      long[][] ranks) {
        float[][] thresholds = new float[n][];
        for (int i = 0; i < n; i++) {
            thresholds[i] = new float[ranks[i].length];
        }
        if (entries == 0) {
            return thresholds;
        }
        long[][] high = new long[n][BINS];
        int[][][] counts = new int[n][ChunkRanges.PARTS][BINS];
        int[][] windowLow = sample != null && windowsFit(ranks) ? predictWindows(sample, n, entries, ranks, high, counts)
                : null;
        Window[][] windows = windows(windowLow, ranks);
        long[] pending = new long[1];
        pass.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                count(models[i], base, count, counts[i], windows[i]);
            }
            if ((pending[0] += count) > FLUSH_AFTER) {
                flushAll(counts, high);
                flushWindows(windows);
                pending[0] = 0;
            }
        });
        flushAll(counts, high);
        flushWindows(windows);

        // where each wanted rank falls: its bin, its rank within the bin; resolved from a window when it holds the bin
        List<Target> unresolved = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < ranks[i].length; q++) {
                long k = ranks[i][q];
                long seen = 0;
                int b = BINS - 1;
                while (seen + high[i][b] < k) {
                    seen += high[i][b];
                    b--;
                }
                Window w = windows[i] == null ? null : windows[i][q];
                if (w != null && b >= w.low && b < w.low + WINDOW) {
                    thresholds[i][q] = Float.intBitsToFloat(b << 16 | kthFromTop(w.totals[b - w.low], k - seen));
                } else {
                    unresolved.add(new Target(i, q, b, k - seen));
                }
            }
        }
        if (!unresolved.isEmpty()) {
            refine(pass, n, unresolved, high, counts, thresholds);
        }
        return thresholds;
    }

    /** One wanted rank not resolved by the first full pass: model, rank index, its bin and its rank in the bin. */
    private record Target(int model, int rank, int bin, long rankInBin) {
    }

    /** Lower-bit counters of bins [low, low + WINDOW) for one wanted rank of one model. */
    private static final class Window {
        final int low;
        final int[][] counts = new int[ChunkRanges.PARTS][WINDOW * BINS];
        final long[][] totals = new long[WINDOW][BINS];

        Window(int low) {
            this.low = low;
        }
    }

    private static boolean windowsFit(long[][] ranks) {
        long windows = Arrays.stream(ranks).mapToLong(r -> r.length).sum();
        return windows * ChunkRanges.PARTS * WINDOW * BINS * Integer.BYTES <= WINDOW_BUDGET_BYTES;
    }

    /**
     * Runs the sample pass and predicts, per model and wanted rank, the bin that holds the rank (the rank scaled to
     * the sample's size); returns the first bin of each window (the predicted bin's lower neighbour). Leaves the
     * high counters cleared for the full pass.
     */
    private static int[][] predictWindows(Consumer<ChunkVisitor> sample, int n, long entries, long[][] ranks,
                                          long[][] high, int[][][] counts) {
        sample.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                count(models[i], base, count, counts[i], null);
            }
        });
        flushAll(counts, high);
        int[][] lows = new int[n][];
        for (int i = 0; i < n; i++) {
            long sampled = Arrays.stream(high[i]).sum();
            lows[i] = new int[ranks[i].length];
            for (int q = 0; q < ranks[i].length; q++) {
                long k = Math.max(1, Math.round((double) ranks[i][q] * sampled / entries));
                long seen = 0;
                int b = BINS - 1;
                while (b > 0 && seen + high[i][b] < k) {
                    seen += high[i][b];
                    b--;
                }
                lows[i][q] = Math.clamp(b - 1, 0, BINS - WINDOW);
            }
            Arrays.fill(high[i], 0);
        }
        return lows;
    }

    private static Window[][] windows(int[][] lows, long[][] ranks) {
        Window[][] windows = new Window[ranks.length][];
        if (lows != null) {
            for (int i = 0; i < ranks.length; i++) {
                windows[i] = new Window[ranks[i].length];
                for (int q = 0; q < ranks[i].length; q++) {
                    windows[i][q] = new Window(lows[i][q]);
                }
            }
        }
        return windows;
    }

    /** Counts the upper bits of every |v| of a chunk and, inside each window, the lower bits. */
    private static void count(float[] m, float[] base, int count, int[][] counts, Window[] windows) {
        ChunkRanges.forEach(count, (part, from, to) -> {
            int[] c = counts[part];
            if (windows == null) {
                for (int j = from; j < to; j++) {
                    c[Float.floatToRawIntBits(m[j] - base[j]) >>> 16 & 0x7FFF]++;
                }
                return;
            }
            if (windows.length == 1) {
                int[] w = windows[0].counts[part];
                int low = windows[0].low;
                for (int j = from; j < to; j++) {
                    int bits = Float.floatToRawIntBits(m[j] - base[j]) & 0x7FFFFFFF;
                    int offset = (bits >>> 16) - low;
                    c[bits >>> 16]++;
                    if (Integer.compareUnsigned(offset, WINDOW) < 0) {
                        w[offset << 16 | bits & 0xFFFF]++;
                    }
                }
                return;
            }
            for (int j = from; j < to; j++) {
                int bits = Float.floatToRawIntBits(m[j] - base[j]) & 0x7FFFFFFF;
                c[bits >>> 16]++;
                for (Window w : windows) {
                    int offset = (bits >>> 16) - w.low;
                    if (Integer.compareUnsigned(offset, WINDOW) < 0) {
                        w.counts[part][offset << 16 | bits & 0xFFFF]++;
                    }
                }
            }
        });
    }

    /** The second full pass: a lower-bit histogram for each bin a window did not hold. */
    private static void refine(Consumer<ChunkVisitor> pass, int n, List<Target> unresolved, long[][] high,
                               int[][][] counts, float[][] thresholds) {
        // per model the distinct bins to refine, each with its own low histogram
        int[][] targets = new int[n][];
        for (int i = 0; i < n; i++) {
            int model = i;
            targets[i] = unresolved.stream().filter(t -> t.model() == model).mapToInt(Target::bin).distinct().toArray();
        }
        long[][][] low = new long[n][][];
        int[][][][] lowCounts = new int[n][][][];
        for (int i = 0; i < n; i++) {
            low[i] = new long[targets[i].length][];
            lowCounts[i] = new int[targets[i].length][][];
            for (int t = 0; t < targets[i].length; t++) {
                // the first target reuses the high-pass arrays
                low[i][t] = t == 0 ? high[i] : new long[BINS];
                lowCounts[i][t] = t == 0 ? counts[i] : new int[ChunkRanges.PARTS][BINS];
                Arrays.fill(low[i][t], 0);
            }
        }
        long[] pending = new long[1];
        pass.accept((tensor, first, base, models, count) -> {
            for (int i = 0; i < n; i++) {
                float[] m = models[i];
                for (int t = 0; t < targets[i].length; t++) {
                    int target = targets[i][t];
                    int[][] modelCounts = lowCounts[i][t];
                    ChunkRanges.forEach(count, (part, from, to) -> {
                        int[] c = modelCounts[part];
                        for (int j = from; j < to; j++) {
                            int bits = Float.floatToRawIntBits(m[j] - base[j]) & 0x7FFFFFFF;
                            if (bits >>> 16 == target) {
                                c[bits & 0xFFFF]++;
                            }
                        }
                    });
                }
            }
            if ((pending[0] += count) > FLUSH_AFTER) {
                flushLow(lowCounts, low);
                pending[0] = 0;
            }
        });
        flushLow(lowCounts, low);
        for (Target target : unresolved) {
            int slot = indexOf(targets[target.model()], target.bin());
            thresholds[target.model()][target.rank()] = Float.intBitsToFloat(
                    target.bin() << 16 | kthFromTop(low[target.model()][slot], target.rankInBin()));
        }
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new IllegalStateException("bin " + value + " was not refined");
    }

    /** The lower 16 bits of the k-th largest value (k from 1) of a lower-bit histogram. */
    private static int kthFromTop(long[] histogram, long k) {
        long seen = 0;
        int b = BINS - 1;
        while (seen + histogram[b] < k) {
            seen += histogram[b];
            b--;
        }
        return b;
    }

    private static void flushWindows(Window[][] windows) {
        for (Window[] model : windows) {
            if (model == null) {
                continue;
            }
            for (Window w : model) {
                for (int[] c : w.counts) {
                    for (int j = 0; j < c.length; j++) {
                        w.totals[j >>> 16][j & 0xFFFF] += c[j];
                        c[j] = 0;
                    }
                }
            }
        }
    }

    private static void flushLow(int[][][][] counts, long[][][] totals) {
        for (int i = 0; i < counts.length; i++) {
            flushAll(counts[i], totals[i]);
        }
    }

    /**
     * Adds the int counts of every model and part to the long totals and clears them; called before any int counter
     * could overflow (each pass flushes after {@link #FLUSH_AFTER} entries per model) and at the end of a pass.
     */
    private static void flushAll(int[][][] counts, long[][] totals) {
        for (int i = 0; i < counts.length; i++) {
            for (int[] c : counts[i]) {
                long[] t = totals[i];
                for (int b = 0; b < c.length; b++) {
                    t[b] += c[b];
                    c[b] = 0;
                }
            }
        }
    }
}
