package io.embedmerge.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * The part [from, to] of a job's overall progress (0..1) that one stage fills: a runner splits the whole job among
 * its stages, and a stage maps its own "done of total" into its span.
 */
record ProgressSpan(double from, double to) {

    static final ProgressSpan WHOLE = new ProgressSpan(0, 1);

    ProgressSpan {
        if (!(0 <= from && from <= to && to <= 1)) {
            throw new IllegalArgumentException("not a span of [0, 1]: [" + from + ", " + to + "]");
        }
    }

    /** The overall fraction when {@code done} of {@code total} units of this span are done. */
    double at(int done, int total) {
        return at(total <= 0 ? 1 : (double) done / total);
    }

    /** The overall fraction when {@code within} (0..1, clamped) of this span is done. */
    double at(double within) {
        return from + (to - from) * Math.clamp(within, 0, 1);
    }

    /** Consecutive sub-spans, each as wide as its weight's share. */
    List<ProgressSpan> split(double... weights) {
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0)) {
                throw new IllegalArgumentException("a weight must be at least 0: " + w);
            }
            sum += w;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("the weights add up to 0");
        }
        List<ProgressSpan> parts = new ArrayList<>(weights.length);
        double done = 0;
        for (int i = 0; i < weights.length; i++) {
            double start = at(done / sum);
            done += weights[i];
            // the last part ends exactly at `to`, whatever the rounding
            parts.add(new ProgressSpan(start, i == weights.length - 1 ? to : Math.min(to, at(done / sum))));
        }
        return parts;
    }

    /** Part {@code index} of {@code count} equal parts. */
    ProgressSpan part(int index, int count) {
        return new ProgressSpan(at(index, count), index + 1 == count ? to : at(index + 1, count));
    }

    /** The rest of this span once the job is at {@code fraction}: from there (or from this span's start) to its end. */
    ProgressSpan after(double fraction) {
        return new ProgressSpan(Math.clamp(fraction, from, to), to);
    }
}
