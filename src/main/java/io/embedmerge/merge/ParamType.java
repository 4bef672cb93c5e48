package io.embedmerge.merge;

/** JSON type of a method parameter. */
public enum ParamType {
    NUMBER, INTEGER, BOOLEAN, STRING
}
