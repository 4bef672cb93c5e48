package io.embedmerge.merge.execution;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.merge.ChunkVisitor;
import io.embedmerge.merge.InputScan;
import io.embedmerge.merge.MergeMonitor;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.OutputLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link InputScan} over opened checkpoints: decodes each chunk of the base and every model into reused buffers. The
 * merged tensors are the base's floating tensors, or those of an {@link OutputLayout}: each under its output name,
 * read from the tensor the layout names in each input.
 * The chunk length shrinks with the number of models so that the buffers of a merge stay within
 * {@link MergeExecutor#CHUNK_BUDGET_BYTES} however many models it has.
 */
public final class CheckpointScan implements InputScan {

    private final Checkpoint base;
    private final List<Checkpoint> models;
    private final MergeMonitor monitor;
    private final List<MergeTensor> tensors = new ArrayList<>();
    /** per merged tensor (by index): its name in the base, then in each model */
    private final List<String[]> sources = new ArrayList<>();

    private final int chunkElements;
    private final float[] baseChunk;
    private final float[][] modelChunks;

    /** Over the base's floating tensors, each read under its own name from every input. */
    public CheckpointScan(Checkpoint base, List<Checkpoint> models, MergeMonitor monitor) {
        this(
                base,
                models,
                monitor,
                base.tensors().values().stream()
                        .filter(t -> t.dtype().mergeable())
                        .map(t -> new OutputLayout.Merge(
                                t.name(), t.name(), java.util.Collections.nCopies(models.size(), t.name())))
                        .toList());
    }

    /** Over the given merged tensors (floating in the base), in order. */
    public CheckpointScan(
            Checkpoint base, List<Checkpoint> models, MergeMonitor monitor, List<OutputLayout.Merge> merged) {
        this.base = base;
        this.models = models;
        this.monitor = monitor;
        this.chunkElements = MergeExecutor.chunkElements(models.size());
        boolean any = !merged.isEmpty();
        this.baseChunk = new float[any ? chunkElements : 0];
        this.modelChunks = new float[models.size()][any ? chunkElements : 0];
        for (OutputLayout.Merge merge : merged) {
            TensorInfo t = base.tensors().get(merge.baseName());
            tensors.add(new MergeTensor(tensors.size(), merge.name(), t.shape(), t.elementCount()));
            String[] names = new String[models.size() + 1];
            names[0] = merge.baseName();
            for (int i = 0; i < models.size(); i++) {
                names[i + 1] = merge.modelNames().get(i);
            }
            sources.add(names);
        }
    }

    @Override
    public List<MergeTensor> tensors() {
        return tensors;
    }

    @Override
    public int chunkElements() {
        return chunkElements;
    }

    @Override
    public void forEachChunk(String passName, ChunkVisitor visitor) {
        monitor.stage(passName);
        for (MergeTensor tensor : tensors) {
            monitor.checkpoint();
            scanTensor(tensor, visitor);
            monitor.passProgress(passName, tensor.index() + 1, tensors.size());
        }
    }

    @Override
    public void scanTensor(MergeTensor tensor, ChunkVisitor visitor) {
        for (long first = 0; first < tensor.elements(); first += chunkElements) {
            scanChunk(tensor, first, (int) Math.min(chunkElements, tensor.elements() - first), visitor);
        }
    }

    /**
     * Like {@link #scanTensor} with chunks that end at row boundaries (whole rows per chunk; rows longer than a
     * chunk are split into chunk-long segments from the row start), for methods that work on whole rows.
     */
    public void scanRows(MergeTensor tensor, ChunkVisitor visitor) {
        long row = tensor.rowLength();
        if (row <= chunkElements) {
            long length = chunkElements / row * row;
            for (long first = 0; first < tensor.elements(); first += length) {
                scanChunk(tensor, first, (int) Math.min(length, tensor.elements() - first), visitor);
            }
            return;
        }
        for (long start = 0; start < tensor.elements(); start += row) {
            for (long offset = 0; offset < row; offset += chunkElements) {
                scanChunk(tensor, start + offset, (int) Math.min(chunkElements, row - offset), visitor);
            }
        }
    }

    /** Fills positions {@code [from, to)} of the chunk buffers (base and every model) from the inputs. */
    @FunctionalInterface
    public interface BlockDecoder {
        void decode(int from, int to);
    }

    /** Receives a chunk whose buffers are not decoded yet: it decodes the positions it needs through the decoder. */
    @FunctionalInterface
    public interface UndecodedChunkVisitor {
        void visit(MergeTensor tensor, long first, float[] base, float[][] models, int count, BlockDecoder decoder);
    }

    /**
     * Like {@link #scanTensor}, leaving the decoding to the visitor, so that an elementwise merge can decode, check
     * and merge block by block while each block is in cache (one pass over the inputs' memory instead of two).
     */
    public void scanTensorUndecoded(MergeTensor tensor, UndecodedChunkVisitor visitor) {
        TensorInfo[] infos = infos(tensor);
        for (long first = 0; first < tensor.elements(); first += chunkElements) {
            long start = first;
            int count = (int) Math.min(chunkElements, tensor.elements() - first);
            visitor.visit(
                    tensor, first, baseChunk, modelChunks, count, (from, to) -> decode(tensor, infos, start, from, to));
            finishChunk(tensor, first, count);
        }
    }

    private void scanChunk(MergeTensor tensor, long first, int count, ChunkVisitor visitor) {
        TensorInfo[] infos = infos(tensor);
        ChunkRanges.forEach(count, (part, from, to) -> decode(tensor, infos, first, from, to));
        visitor.visit(tensor, first, baseChunk, modelChunks, count);
        finishChunk(tensor, first, count);
    }

    /** The tensor's source entry in the base (index 0) and in every model (index i + 1). */
    private TensorInfo[] infos(MergeTensor tensor) {
        String[] names = sources.get(tensor.index());
        TensorInfo[] infos = new TensorInfo[models.size() + 1];
        infos[0] = base.tensors().get(names[0]);
        for (int i = 0; i < models.size(); i++) {
            infos[i + 1] = models.get(i).tensors().get(names[i + 1]);
        }
        return infos;
    }

    private void decode(MergeTensor tensor, TensorInfo[] infos, long first, int from, int to) {
        base.fileOf(infos[0].name()).readFloats(infos[0], first + from, baseChunk, from, to - from);
        for (int i = 0; i < models.size(); i++) {
            models.get(i)
                    .fileOf(infos[i + 1].name())
                    .readFloats(infos[i + 1], first + from, modelChunks[i], from, to - from);
        }
    }

    /** Checks for cancellation between chunks. */
    private void finishChunk(MergeTensor tensor, long first, int count) {
        if (first + count < tensor.elements()) {
            monitor.checkpoint();
        }
    }
}
