package io.embedmerge.merge.execution;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.CheckpointFormatException;
import io.embedmerge.checkpoint.ShardedSafetensorsWriter;
import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.LayerNames;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeMonitor;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.OutputLayout;
import io.embedmerge.merge.Precomputed;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a merge: the method plans it (streaming statistics passes over the inputs if it needs them), then one pass
 * writes the output tensor by tensor, in chunks, from the inputs into (sharded) safetensors. Memory stays
 * at a few chunk buffers whatever the model size. Non-floating tensors are copied from the base, and so is every
 * non-weight file (config, tokenizer, pooling). A method with an {@link OutputLayout} (layer stacking, mergekit's
 * slices) instead has each output tensor copied from the input tensor it names or merged from the tensors it names,
 * and its patch applied to config.json. Inputs holding NaN or ±Inf are refused unless the job allows them,
 * and an output value that is not finite in the output dtype fails the merge before anything is published.
 */
public final class MergeExecutor {

    /** Largest chunk: elements per tensor read, merged and written at a time. */
    public static final int CHUNK_ELEMENTS = 1 << 20;
    /**
     * Float32 chunk buffers of one merge: base, output and per model one input plus one scratch buffer (Gram
     * matrices). With few models chunks are {@link #CHUNK_ELEMENTS} long; with more they get shorter.
     */
    public static final long CHUNK_BUDGET_BYTES = 64L << 20;

    private static final int MIN_CHUNK_ELEMENTS = 1 << 12;
    /** Elements per block of an elementwise merge: the base, every model and the output stay in a core's L2 cache. */
    private static final int CACHED_BLOCK = 1 << 13;

    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    public static final String CONFIG_FILE = "config.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param outputDtype   dtype of merged tensors, or null to keep each base tensor's dtype
     * @param maxShardBytes largest tensor data per output shard
     * @param precomputed   statistics computed with the encoder before the merge (data-aware methods), else null
     * @param allowNonFinite merge inputs holding NaN or ±Inf instead of failing (the output is checked either way)
     */
    public record Job(
            Checkpoint base,
            List<Checkpoint> models,
            MergeMethod method,
            MethodParams params,
            List<Double> weights,
            long seed,
            DType outputDtype,
            long maxShardBytes,
            Precomputed precomputed,
            boolean allowNonFinite,
            List<MethodParams> modelParams) {

        public Job {
            modelParams = modelParams == null
                    ? weights.stream().map(w -> new MethodParams(Map.of())).toList()
                    : List.copyOf(modelParams);
        }

        public Job(
                Checkpoint base,
                List<Checkpoint> models,
                MergeMethod method,
                MethodParams params,
                List<Double> weights,
                long seed,
                DType outputDtype,
                long maxShardBytes,
                Precomputed precomputed,
                boolean allowNonFinite) {
            this(
                    base,
                    models,
                    method,
                    params,
                    weights,
                    seed,
                    outputDtype,
                    maxShardBytes,
                    precomputed,
                    allowNonFinite,
                    null);
        }

        public Job(
                Checkpoint base,
                List<Checkpoint> models,
                MergeMethod method,
                MethodParams params,
                List<Double> weights,
                long seed,
                DType outputDtype,
                long maxShardBytes,
                Precomputed precomputed) {
            this(base, models, method, params, weights, seed, outputDtype, maxShardBytes, precomputed, false);
        }
    }

    /** The method's own output layout for these inputs, or null when it merges the base's tensors. */
    public static OutputLayout layout(
            MergeMethod method, MethodParams params, Checkpoint base, List<Checkpoint> models) {
        return layout(method, params, List.of(), base, models);
    }

    /** As {@link #layout(MergeMethod, MethodParams, Checkpoint, List)} with the per-model parameters. */
    public static OutputLayout layout(
            MergeMethod method,
            MethodParams params,
            List<MethodParams> perModel,
            Checkpoint base,
            List<Checkpoint> models) {
        return method.layout(
                params,
                perModel,
                List.copyOf(base.tensors().keySet()),
                models.stream()
                        .map(m -> (List<String>) List.copyOf(m.tensors().keySet()))
                        .toList());
    }

    /**
     * As {@link #plan(Checkpoint, List, DType)} for merging methods; for a method with an {@link OutputLayout}, checks
     * that layout against the inputs instead.
     */
    public static List<TensorSpec> plan(
            MergeMethod method, MethodParams params, Checkpoint base, List<Checkpoint> models, DType outputDtype) {
        OutputLayout layout = layout(method, params, base, models);
        return layout == null ? plan(base, models, outputDtype) : plan(layout, base, models, outputDtype);
    }

    /**
     * Checks a layout: every source tensor exists; a merged tensor has one shape in the base and every model; each
     * copied layer tensor has the shape of the same tensor in the base's first layer (models of another hidden size
     * are refused naming the tensor), each output layer having all the tensors of one. Returns the output layout.
     */
    public static List<TensorSpec> plan(
            OutputLayout layout, Checkpoint base, List<Checkpoint> models, DType outputDtype) {
        int baseLayer = base.tensors().keySet().stream()
                .mapToInt(LayerNames::layer)
                .filter(l -> l >= 0)
                .min()
                .orElse(-1);
        long templateSize = base.tensors().keySet().stream()
                .filter(n -> LayerNames.layer(n) == baseLayer && baseLayer >= 0)
                .count();
        Map<Integer, Integer> perLayer = new HashMap<>();
        Set<String> names = new HashSet<>();
        List<TensorSpec> specs = new ArrayList<>();
        for (OutputLayout.Entry entry : layout.tensors()) {
            String sourceName;
            String who;
            TensorInfo info;
            if (entry instanceof OutputLayout.Copy copy) {
                sourceName = copy.sourceName();
                who = who(copy.source());
                info = source(copy, base, models).tensors().get(sourceName);
            } else {
                OutputLayout.Merge merge = (OutputLayout.Merge) entry;
                sourceName = merge.baseName();
                who = "the base";
                info = base.tensors().get(sourceName);
                if (info != null) {
                    checkMergedSources(merge, info, models);
                }
            }
            if (info == null) {
                throw new CheckpointFormatException(who + " has no tensor '" + sourceName + "'");
            }
            if (!names.add(entry.name())) {
                throw new CheckpointFormatException("two tensors of the output would be named '" + entry.name() + "'");
            }
            int layer = LayerNames.layer(entry.name());
            // a merged output layer is a whole layer of the base by construction; copies are checked against its first
            if (layer >= 0 && entry instanceof OutputLayout.Copy) {
                String templateName = baseLayer < 0 || LayerNames.layer(sourceName) < 0
                        ? null
                        : LayerNames.renumber(sourceName, baseLayer);
                TensorInfo template =
                        templateName == null ? null : base.tensors().get(templateName);
                if (template == null) {
                    throw new CheckpointFormatException("tensor '" + sourceName + "' of " + who
                            + " has no counterpart in the base's layers (" + templateName + ")");
                }
                if (!template.shape().equals(info.shape())
                        || template.dtype().mergeable() != info.dtype().mergeable()) {
                    throw new CheckpointFormatException("tensor '" + sourceName + "' has shape " + info.shape()
                            + " (" + info.dtype() + ") in " + who + " but '" + templateName + "' has "
                            + template.shape()
                            + " (" + template.dtype() + ") in the base: stacked layers need the base's shapes");
                }
                perLayer.merge(layer, 1, Integer::sum);
            }
            DType dtype = info.dtype().mergeable() && outputDtype != null ? outputDtype : info.dtype();
            specs.add(new TensorSpec(entry.name(), dtype, info.shape()));
        }
        perLayer.forEach((layer, count) -> {
            if (count != templateSize) {
                throw new CheckpointFormatException("output layer " + layer + " would have " + count
                        + " tensors but a layer of the base has " + templateSize);
            }
        });
        return specs;
    }

    /** Each model has the tensor a merge names for it, with the shape and kind of the base's. */
    private static void checkMergedSources(OutputLayout.Merge merge, TensorInfo baseInfo, List<Checkpoint> models) {
        for (int i = 0; i < models.size(); i++) {
            String name = merge.modelNames().get(i);
            TensorInfo other = models.get(i).tensors().get(name);
            if (other == null) {
                throw new CheckpointFormatException("models[" + i + "] has no tensor '" + name + "'");
            }
            if (!other.shape().equals(baseInfo.shape())
                    || other.dtype().mergeable() != baseInfo.dtype().mergeable()) {
                throw new CheckpointFormatException("tensor '" + name + "' has shape " + other.shape() + " ("
                        + other.dtype() + ") in models[" + i + "] but '" + merge.baseName() + "' has "
                        + baseInfo.shape() + " (" + baseInfo.dtype() + ") in the base, and they are merged into '"
                        + merge.name() + "'");
            }
        }
    }

    private static Checkpoint source(OutputLayout.Copy copy, Checkpoint base, List<Checkpoint> models) {
        return copy.source() == OutputLayout.BASE ? base : models.get(copy.source());
    }

    private static String who(int source) {
        return source == OutputLayout.BASE ? "the base" : "models[" + source + "]";
    }

    /** Checks that every model has exactly the base's tensors with the same shapes; returns the output layout. */
    public static List<TensorSpec> plan(Checkpoint base, List<Checkpoint> models, DType outputDtype) {
        Map<String, TensorInfo> baseTensors = base.tensors();
        for (int i = 0; i < models.size(); i++) {
            Map<String, TensorInfo> modelTensors = models.get(i).tensors();
            for (TensorInfo t : baseTensors.values()) {
                TensorInfo other = modelTensors.get(t.name());
                if (other == null) {
                    throw new CheckpointFormatException("models[" + i + "] has no tensor '" + t.name() + "'");
                }
                if (!other.shape().equals(t.shape())) {
                    throw new CheckpointFormatException("tensor '" + t.name() + "' has shape " + other.shape()
                            + " in models[" + i + "] but " + t.shape() + " in the base");
                }
                if (t.dtype().mergeable() != other.dtype().mergeable()) {
                    throw new CheckpointFormatException("tensor '" + t.name() + "' is " + other.dtype() + " in models["
                            + i + "] but " + t.dtype() + " in the base");
                }
            }
            for (String name : modelTensors.keySet()) {
                if (!baseTensors.containsKey(name)) {
                    throw new CheckpointFormatException(
                            "models[" + i + "] has tensor '" + name + "' that the base lacks");
                }
            }
        }
        List<TensorSpec> specs = new ArrayList<>();
        for (TensorInfo t : baseTensors.values()) {
            DType dtype = t.dtype().mergeable() && outputDtype != null ? outputDtype : t.dtype();
            specs.add(new TensorSpec(t.name(), dtype, t.shape()));
        }
        return specs;
    }

    /** Chunk length for {@code models} inputs, so that 2 × (models + 1) float32 buffers fit the budget. */
    public static int chunkElements(int models) {
        long fit = CHUNK_BUDGET_BYTES / (Float.BYTES * 2L * (models + 1));
        return (int) Math.clamp(fit, MIN_CHUNK_ELEMENTS, CHUNK_ELEMENTS);
    }

    public void run(Job job, OutputFolder output, MergeMonitor monitor) {
        OutputLayout layout = layout(job.method(), job.params(), job.modelParams(), job.base(), job.models());
        List<TensorSpec> specs;
        if (layout == null) {
            specs = plan(job.base(), job.models(), job.outputDtype());
            layout = new OutputLayout(
                    specs.stream()
                            .map(spec -> (OutputLayout.Entry) new OutputLayout.Merge(
                                    spec.name(),
                                    spec.name(),
                                    java.util.Collections.nCopies(job.models().size(), spec.name())))
                            .toList(),
                    Map.of());
        } else {
            specs = plan(layout, job.base(), job.models(), job.outputDtype());
        }
        write(job, layout, specs, output, monitor);
        copyOtherFiles(job.base(), output, layout.configPatch());
    }

    /** Writes each output tensor: copied from its source (floating ones times the copy's scale) or merged. */
    private void write(
            Job job, OutputLayout layout, List<TensorSpec> specs, OutputFolder output, MergeMonitor monitor) {
        List<OutputLayout.Merge> merged = new ArrayList<>();
        for (OutputLayout.Entry entry : layout.tensors()) {
            if (entry instanceof OutputLayout.Merge merge
                    && job.base().tensors().get(merge.baseName()).dtype().mergeable()) {
                merged.add(merge);
            }
        }
        CheckpointScan inputs = new CheckpointScan(job.base(), job.models(), monitor, merged);
        TensorMerger merger = merged.isEmpty()
                ? null
                : job.method()
                        .plan(new MergeSetup(
                                job.params(), job.modelParams(), job.weights(), job.seed(), inputs, job.precomputed()));
        long totalBytes = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        float[] out = new float[inputs.chunkElements()];
        int copyChunk = chunkElements(1);
        float[] values = new float[copyChunk];
        long written = 0;
        int next = 0;
        try (ShardedSafetensorsWriter writer =
                new ShardedSafetensorsWriter(specs, job.maxShardBytes(), Map.of("format", "pt"), output::create)) {
            for (int t = 0; t < specs.size(); t++) {
                monitor.checkpoint();
                TensorSpec spec = specs.get(t);
                OutputLayout.Entry entry = layout.tensors().get(t);
                if (entry instanceof OutputLayout.Copy copy) {
                    copy(job, copy, t, spec, values, writer, monitor);
                } else {
                    OutputLayout.Merge merge = (OutputLayout.Merge) entry;
                    TensorInfo baseInfo = job.base().tensors().get(merge.baseName());
                    if (!baseInfo.dtype().mergeable()) {
                        writer.writeBytes(job.base().fileOf(merge.baseName()).bytes(baseInfo));
                    } else {
                        MergeTensor tensor = inputs.tensors().get(next++);
                        merge(job, inputs, tensor, spec, merger.forTensor(tensor), out, writer);
                    }
                }
                written += spec.byteSize();
                monitor.tensorWritten(spec.name(), t + 1, specs.size(), written, totalBytes);
            }
            writer.finish();
        }
    }

    /**
     * Writes one merged tensor chunk by chunk. An elementwise merge decodes, checks and merges each block while it is
     * in cache; a row-wise one gets whole rows per chunk.
     */
    private static void merge(
            Job job,
            CheckpointScan inputs,
            MergeTensor tensor,
            TensorSpec spec,
            ChunkMerger chunks,
            float[] out,
            ShardedSafetensorsWriter writer) {
        if (chunks.elementwise()) {
            inputs.scanTensorUndecoded(tensor, (tt, first, base, models, count, decoder) -> {
                ChunkRanges.forEach(count, (part, from, to) -> {
                    for (int start = from; start < to; start += CACHED_BLOCK) {
                        int end = Math.min(to, start + CACHED_BLOCK);
                        decoder.decode(start, end);
                        mergeRange(job, tensor, spec, chunks, first, base, models, out, start, end);
                    }
                });
                writer.writeFloats(out, count);
            });
        } else {
            inputs.scanRows(tensor, (tt, first, base, models, count) -> {
                ChunkRanges.forEach(
                        count,
                        (part, from, to) -> mergeRange(job, tensor, spec, chunks, first, base, models, out, from, to));
                writer.writeFloats(out, count);
            });
        }
    }

    /** Checks the inputs (unless allowed), merges and checks the output, for positions [from, to) of a chunk. */
    private static void mergeRange(
            Job job,
            MergeTensor tensor,
            TensorSpec spec,
            ChunkMerger chunks,
            long first,
            float[] base,
            float[][] models,
            float[] out,
            int from,
            int to) {
        if (!job.allowNonFinite()) {
            FiniteGuard.checkInputs(tensor, first, base, models, from, to);
        }
        chunks.merge(first, base, models, out, from, to);
        FiniteGuard.checkOutput(tensor, spec.dtype(), first, out, from, to);
    }

    /** Writes one copied tensor, chunk by chunk, floating values times the copy's scale. */
    private static void copy(
            Job job,
            OutputLayout.Copy copy,
            int index,
            TensorSpec spec,
            float[] values,
            ShardedSafetensorsWriter writer,
            MergeMonitor monitor) {
        Checkpoint source = source(copy, job.base(), job.models());
        TensorInfo info = source.tensors().get(copy.sourceName());
        if (!info.dtype().mergeable()) {
            writer.writeBytes(source.fileOf(copy.sourceName()).bytes(info));
            return;
        }
        int chunk = values.length;
        float scale = (float) copy.scale();
        MergeTensor tensor = new MergeTensor(index, copy.sourceName(), info.shape(), info.elementCount());
        for (long first = 0; first < info.elementCount(); first += chunk) {
            int count = (int) Math.min(chunk, info.elementCount() - first);
            source.fileOf(copy.sourceName()).readFloats(info, first, values, 0, count);
            if (!job.allowNonFinite()) {
                FiniteGuard.checkInput(who(copy.source()), tensor, first, values, 0, count);
            }
            if (scale != 1f) {
                for (int j = 0; j < count; j++) {
                    values[j] *= scale;
                }
            }
            FiniteGuard.checkOutput(tensor, spec.dtype(), first, values, 0, count);
            writer.writeFloats(values, count);
            monitor.checkpoint();
        }
    }

    /** Copies the base's non-weight files; a non-empty patch sets top-level keys of config.json. */
    private static void copyOtherFiles(Checkpoint base, OutputFolder output, Map<String, Object> configPatch) {
        for (String name : base.otherFiles()) {
            try (InputStream in = base.folder().open(name);
                    OutputStream out = output.create(name)) {
                if (name.equals(CONFIG_FILE) && !configPatch.isEmpty()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> config = JSON.readValue(in, LinkedHashMap.class);
                    config.putAll(configPatch);
                    out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
                } else {
                    in.transferTo(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + name + " from the base", e);
            }
        }
    }
}
