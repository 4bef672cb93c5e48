package io.embedmerge.merge;

import io.embedmerge.checkpoint.WeightFile;

/**
 * RegMean's merged Linear weights, solved before the merge: a mapped file with a float32 tensor per Linear weight
 * ([out, in]) under its checkpoint name (the worker owns and deletes the file).
 */
public record RegMeanWeights(WeightFile linearWeights) implements Precomputed {}
