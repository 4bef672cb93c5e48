package io.embedmerge.merge;

/** The result of planning a merge: how each tensor's chunks are merged in the final pass. */
@FunctionalInterface
public interface TensorMerger {

    ChunkMerger forTensor(MergeTensor tensor);
}
