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
        this(base, models, monitor, base.tensors().values().stream().filter(t -> t.dtype().mergeable())
                .map(t -> new OutputLayout.Merge(t.name(), t.name(), java.util.Collections.nCopies(models.size(), t.name())))
                .toList());
    }

    /** Over the given merged tensors (floating in the base), in order. */
    public CheckpointScan(Checkpoint base, List<Checkpoint> models, MergeMonitor monitor, List<OutputLayout.Merge> merged) {
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

    private void scanChunk(MergeTensor tensor, long first, int count, ChunkVisitor visitor) {
        String[] names = sources.get(tensor.index());
        TensorInfo baseInfo = base.tensors().get(names[0]);
        TensorInfo[] modelInfo = new TensorInfo[models.size()];
        for (int i = 0; i < modelInfo.length; i++) {
            modelInfo[i] = models.get(i).tensors().get(names[i + 1]);
        }
        ChunkRanges.forEach(count, (part, from, to) -> {
            base.fileOf(names[0]).readFloats(baseInfo, first + from, baseChunk, from, to - from);
            for (int i = 0; i < modelInfo.length; i++) {
                models.get(i).fileOf(names[i + 1]).readFloats(modelInfo[i], first + from, modelChunks[i], from, to - from);
            }
        });
        visitor.visit(tensor, first, baseChunk, modelChunks, count);
        base.fileOf(names[0]).release(baseInfo, first, count);
        for (int i = 0; i < modelInfo.length; i++) {
            models.get(i).fileOf(names[i + 1]).release(modelInfo[i], first, count);
        }
        if (first + count < tensor.elements()) {
            monitor.checkpoint();
        }
    }
}
