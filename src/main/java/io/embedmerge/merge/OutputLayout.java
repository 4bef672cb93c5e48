package io.embedmerge.merge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An output that a method assembles from named tensors of the inputs instead of merging the base's tensors position
 * by position under their own names: each output tensor, in file order, is either copied from one input (passthrough's
 * layer stacking) or merged by the method from one named tensor of the base and of every model (mergekit's slices
 * with several sources). {@code configPatch} sets top-level keys of the output's config.json (such as
 * {@code num_hidden_layers}); every other non-weight file is copied from the base.
 */
public record OutputLayout(List<Entry> tensors, Map<String, Object> configPatch) {

    /** The base, as a {@link Copy#source()}. */
    public static final int BASE = -1;

    public OutputLayout {
        tensors = List.copyOf(tensors);
        configPatch = Collections.unmodifiableMap(new LinkedHashMap<>(configPatch));
    }

    /** One output tensor. */
    public sealed interface Entry permits Copy, Merge {
        String name();
    }

    /**
     * A tensor copied from one input, its floating values multiplied by {@code scale}.
     *
     * @param source     {@link #BASE} or the index of the model (request order)
     * @param sourceName the tensor's name in that checkpoint
     */
    public record Copy(String name, int source, String sourceName, double scale) implements Entry {}

    /**
     * A tensor that the method merges (statistics passes and write pass alike see it under {@code name}) from the
     * base's {@code baseName} and models[i]'s {@code modelNames[i]}; non-floating ones are the base's.
     */
    public record Merge(String name, String baseName, List<String> modelNames) implements Entry {
        public Merge {
            modelNames = List.copyOf(modelNames);
        }
    }
}
