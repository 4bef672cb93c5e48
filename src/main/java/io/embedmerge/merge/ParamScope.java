package io.embedmerge.merge;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a method parameter may be set. */
public enum ParamScope {
    /** {@code method.params} */
    METHOD,
    /** {@code models[i].params}, overriding the method-wide value for that model */
    MODEL,
    /**
     * the value may vary per tensor: a list of numbers interpolated across the layers (first to last, as mergekit's
     * gradients), or a list of {@code {"filter": "attention", "value": 0.3}} entries, the first whose filter is part
     * of the tensor name (or that has no filter) giving the value
     */
    TENSOR;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
