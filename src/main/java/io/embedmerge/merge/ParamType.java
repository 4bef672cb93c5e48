package io.embedmerge.merge;

/** JSON type of a method parameter. */
public enum ParamType {
    NUMBER, INTEGER, BOOLEAN, STRING,
    /** a JSON array of numbers, each within the spec's bounds */
    NUMBER_LIST,
    /**
     * a JSON array of layer ranges {@code {"model": <index into models, or "base">, "layers": [start, end]}}, end
     * exclusive, stacked in order
     */
    LAYER_SLICES
}
