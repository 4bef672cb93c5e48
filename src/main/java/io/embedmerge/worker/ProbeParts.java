package io.embedmerge.worker;

import io.embedmerge.dataset.DataFiles;
import io.embedmerge.job.ProbePart;
import io.embedmerge.job.ProbeSpec;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.positioning.ContrastiveTrainer;
import io.embedmerge.positioning.PairData;
import io.embedmerge.positioning.TextPair;
import io.embedmerge.positioning.WeightedProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a request's probe (a URI, or a mixture of parts) into {@link WeightedProbe}s: infonce parts read pairs
 * (STS data above the part's scoreThreshold, else the method's), cosent parts every STS pair with its score. A part
 * whose data cannot be read that way, or which has no pairs, fails the job naming its field
 * ({@code probe[1]}, {@code models[0].probe}).
 */
final class ProbeParts {

    private ProbeParts() {}

    /**
     * @param field            the probe's field in the request ({@code probe}, {@code models[i].probe})
     * @param defaultThreshold the method's scoreThreshold
     */
    static List<WeightedProbe> read(DataFiles data, ProbeSpec probe, String field, double defaultThreshold) {
        List<ProbePart> parts = probe.effectiveParts();
        List<WeightedProbe> read = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            ProbePart part = parts.get(k);
            String at = probe.uri() != null ? field : field + "[" + k + "]";
            boolean cosent = ProbePart.COSENT.equals(part.effectiveObjective());
            double threshold = part.scoreThreshold() != null ? part.scoreThreshold() : defaultThreshold;
            List<TextPair> pairs;
            try {
                Path file = data.file(part.uri());
                pairs = cosent ? PairData.readScored(file) : PairData.read(file, threshold);
            } catch (IllegalArgumentException e) {
                throw new InvalidMergeRequestException(
                        at,
                        (cosent ? "cosent needs scored STS data (TSV, or JSONL " + "sentence1/sentence2/score): " : "")
                                + e.getMessage());
            }
            if (pairs.isEmpty()) {
                throw new InvalidMergeRequestException(
                        at,
                        "'" + part.uri() + "' gives no pairs" + (cosent ? "" : " (scoreThreshold " + threshold + ")"));
            }
            String label = part.label() != null ? part.label() : probe.uri() != null ? "probe" : "probe[" + k + "]";
            read.add(new WeightedProbe(
                    label,
                    cosent ? ContrastiveTrainer.Objective.COSENT : ContrastiveTrainer.Objective.INFONCE,
                    part.effectiveWeight(),
                    pairs));
        }
        return read;
    }

    /** Each part's first {@code examples} pairs (the part's own cap, else {@code defaultExamples}) of a shuffle by seed + k. */
    static List<WeightedProbe> sampled(List<WeightedProbe> parts, ProbeSpec probe, int defaultExamples, long seed) {
        List<WeightedProbe> sampled = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            Integer cap = probe.effectiveParts().get(k).examples();
            sampled.add(parts.get(k).sample(cap != null ? cap : defaultExamples, seed + k));
        }
        return sampled;
    }
}
