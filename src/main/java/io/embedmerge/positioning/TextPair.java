package io.embedmerge.positioning;

import java.util.List;

/** A query, its positive text, any given (hard) negatives, and for scored data (CoSENT) the pair's gold score. */
public record TextPair(String query, String positive, List<String> negatives, Double score) {

    public TextPair {
        negatives = negatives == null ? List.of() : List.copyOf(negatives);
    }

    public TextPair(String query, String positive) {
        this(query, positive, List.of(), null);
    }

    public TextPair(String query, String positive, List<String> negatives) {
        this(query, positive, negatives, null);
    }
}
