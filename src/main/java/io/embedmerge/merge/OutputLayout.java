package io.embedmerge.merge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An output that a method assembles by copying named tensors from the inputs instead of merging the base's tensors
 * position by position (passthrough's layer stacking): each output tensor, in file order, names its source and the
 * tensor there; floating tensors are multiplied by {@code scale}. {@code configPatch} sets top-level keys of the
 * output's config.json (such as {@code num_hidden_layers}); every other non-weight file is copied from the base.
 */
public record OutputLayout(List<Copy> tensors, double scale, Map<String, Object> configPatch) {

    /** The base, as a {@link Copy#source()}. */
    public static final int BASE = -1;

    public OutputLayout {
        tensors = List.copyOf(tensors);
        configPatch = Collections.unmodifiableMap(new LinkedHashMap<>(configPatch));
    }

    /**
     * One output tensor.
     *
     * @param source     {@link #BASE} or the index of the model (request order)
     * @param sourceName the tensor's name in that checkpoint
     */
    public record Copy(String name, int source, String sourceName) {
    }
}
