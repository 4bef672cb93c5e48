package io.embedmerge.merge;

import java.util.List;

/** Streaming read access to the merge inputs, for methods that need statistics before merging. */
public interface InputScan {

    /** The merged (floating) tensors, in output order. */
    List<MergeTensor> tensors();

    /** Largest number of elements per chunk a visitor receives; buffers a visitor keeps per model need no more. */
    int chunkElements();

    /** One pass over every merged tensor, chunk by chunk, in {@link #tensors()} order. */
    void forEachChunk(String passName, ChunkVisitor visitor);

    /** One pass over a single tensor, chunk by chunk. */
    void scanTensor(MergeTensor tensor, ChunkVisitor visitor);
}
