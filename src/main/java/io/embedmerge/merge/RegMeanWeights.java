package io.embedmerge.merge;

import java.util.Map;

/** RegMean's merged Linear weights, per tensor name ([out, in] row-major), solved before the merge. */
public record RegMeanWeights(Map<String, float[]> linearWeights) implements Precomputed {
}
