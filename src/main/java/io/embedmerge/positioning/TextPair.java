package io.embedmerge.positioning;

/** A query and its positive text. */
public record TextPair(String query, String positive) {
}
