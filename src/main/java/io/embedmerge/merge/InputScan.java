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

    /** Elements per block of a sampled pass. */
    int SAMPLE_BLOCK = 1 << 16;
    /** A sampled pass visits one block in this many. */
    int SAMPLE_PERIOD = 16;

    /**
     * A cheap look at every merged tensor: the blocks of {@link #SAMPLE_BLOCK} elements whose index, counted over
     * all tensors in order, is a multiple of {@link #SAMPLE_PERIOD} (a block ends early at a tensor's end), so about
     * one element in {@link #SAMPLE_PERIOD} of every large tensor. For estimates that a full pass then confirms.
     */
    void forEachSampledBlock(String passName, ChunkVisitor visitor);

    /** {@link #forEachSampledBlock} over a single tensor (block indices counted from its start). */
    void scanTensorSampled(MergeTensor tensor, ChunkVisitor visitor);
}
