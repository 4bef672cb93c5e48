package io.embedmerge.merge;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a method needs from the encoder before the write pass: which probe data the request must carry, and which
 * encoder computation turns it into the {@link Precomputed} statistics of {@link MergeSetup#precomputed()}.
 * The submit-time validator asks {@link #probe()}, the worker asks {@link #encoderPass()}.
 */
public record DataNeeds(Probe probe, EncoderPass encoderPass) {

    /** A data-free method: only the checkpoints. */
    public static final DataNeeds NONE = new DataNeeds(Probe.NONE, EncoderPass.NONE);

    public enum Probe {
        NONE,
        /** {@code models[i].probe} for every model */
        PER_MODEL,
        /** the request's {@code probe} */
        GLOBAL;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The encoder computations the worker knows; each yields one kind of {@link Precomputed}. */
    public enum EncoderPass {
        NONE,
        /** {@link FisherDiagonals} of each model on its probe */
        FISHER_DIAGONALS,
        /** {@link RegMeanWeights} solved from each model's input Gram matrices on its probe */
        REGMEAN_WEIGHTS,
        /** {@link LearnedCoefficients} searched on the global probe */
        COEFFICIENT_SEARCH;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean dataAware() {
        return encoderPass != EncoderPass.NONE;
    }
}
