package io.embedmerge.merge;

import java.util.List;

/** A floating tensor that is merged: its position in the merge order, name, shape and element count. */
public record MergeTensor(int index, String name, List<Long> shape, long elements) {

    public MergeTensor {
        shape = List.copyOf(shape);
    }
}
