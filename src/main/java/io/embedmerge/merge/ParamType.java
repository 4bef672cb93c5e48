package io.embedmerge.merge;

/** JSON type of a method parameter. */
public enum ParamType {
    NUMBER,
    INTEGER,
    BOOLEAN,
    STRING,
    /** a JSON array of numbers, each within the spec's bounds */
    NUMBER_LIST,
    /**
     * a JSON array of output slices, stacked in order: each a layer range of one input,
     * {@code {"model": <index into models, or "base">, "layers": [start, end]}} (end exclusive), or layer ranges of
     * equal length of several inputs merged layer by layer, {@code {"sources": [{"model": ..., "layers": [...]}, ...]}}
     * (mergekit's slices)
     */
    LAYER_SLICES
}
