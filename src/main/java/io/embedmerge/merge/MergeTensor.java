package io.embedmerge.merge;

import java.util.List;

/** A floating tensor that is merged: its position in the merge order, name, shape and element count. */
public record MergeTensor(int index, String name, List<Long> shape, long elements) {

    public MergeTensor {
        shape = List.copyOf(shape);
    }

    /** Length of the last dimension (the whole tensor for 1-D, 1 for a scalar): the rows that row-wise methods rank. */
    public long rowLength() {
        return shape.isEmpty() ? 1 : Math.max(1, shape.getLast());
    }
}
