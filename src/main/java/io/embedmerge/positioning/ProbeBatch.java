package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;

/** A batch of (query, positive) pairs as token ids, token types and attention masks, each [batch, length]. */
public record ProbeBatch(NDArray queryIds, NDArray queryTypes, NDArray queryMask,
                         NDArray positiveIds, NDArray positiveTypes, NDArray positiveMask) {
}
