package io.embedmerge.job;

/** One invalid value of a request: {@code field} is its JSON path, e.g. {@code models[1].uri}. */
public record FieldProblem(String field, String message) {}
