package io.embedmerge.eval;

/** Two sentences and their gold similarity (0–5 in STS Benchmark). */
public record StsPair(String sentence1, String sentence2, double score) {}
