package io.embedmerge.merge;

/** Statistics that data-aware methods need and that the worker computes with the encoder before the merge. */
public sealed interface Precomputed permits LearnedCoefficients, FisherDiagonals, RegMeanWeights {}
