package io.embedmerge.positioning;

import java.util.List;

/** A query, its positive text and any given (hard) negatives. */
public record TextPair(String query, String positive, List<String> negatives) {

    public TextPair {
        negatives = negatives == null ? List.of() : List.copyOf(negatives);
    }

    public TextPair(String query, String positive) {
        this(query, positive, List.of());
    }
}
