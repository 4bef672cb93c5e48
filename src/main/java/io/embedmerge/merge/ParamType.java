package io.embedmerge.merge;

/** JSON type of a method parameter. */
public enum ParamType {
    NUMBER, INTEGER, BOOLEAN, STRING,
    /** a JSON array of numbers, each within the spec's bounds */
    NUMBER_LIST
}
