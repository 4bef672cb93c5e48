package io.embedmerge.merge;

/**
 * Receives the inputs chunk by chunk during a statistics pass: elements {@code [first, first + count)} of one
 * tensor of the base and of every model, decoded to float32. The arrays are reused between calls.
 */
@FunctionalInterface
public interface ChunkVisitor {

    void visit(MergeTensor tensor, long first, float[] base, float[][] models, int count);
}
