package io.embedmerge.merge;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.CheckpointFormatException;
import io.embedmerge.checkpoint.SafetensorsFile;
import io.embedmerge.checkpoint.SafetensorsWriter;
import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.tensor.DType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Streams an elementwise merge tensor by tensor, in chunks, from memory-mapped inputs to a safetensors output:
 * memory stays at a few chunk buffers whatever the model size. Non-floating tensors are copied from the base;
 * every non-weight file (config, tokenizer, pooling) is copied from the base folder.
 */
public final class MergeExecutor {

    static final int CHUNK_ELEMENTS = 1 << 20;
    public static final String WEIGHTS_FILE = Checkpoint.SINGLE_FILE;

    /**
     * @param outputDtype dtype of merged tensors, or null to keep each base tensor's dtype
     */
    public record Job(Checkpoint base, List<Checkpoint> models, ElementwiseMerger merger, DType outputDtype) {
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
                    throw new CheckpointFormatException("tensor '" + t.name() + "' is " + other.dtype()
                            + " in models[" + i + "] but " + t.dtype() + " in the base");
                }
            }
            for (String name : modelTensors.keySet()) {
                if (!baseTensors.containsKey(name)) {
                    throw new CheckpointFormatException("models[" + i + "] has tensor '" + name
                            + "' that the base lacks");
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

    public void run(Job job, OutputFolder output, MergeMonitor monitor) {
        List<TensorSpec> specs = plan(job.base(), job.models(), job.outputDtype());
        long totalBytes = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        int n = job.models().size();
        float[] base = new float[CHUNK_ELEMENTS];
        float[] out = new float[CHUNK_ELEMENTS];
        float[][] models = new float[n][CHUNK_ELEMENTS];
        long written = 0;
        try (OutputStream stream = output.create(WEIGHTS_FILE)) {
            SafetensorsWriter writer = SafetensorsWriter.start(stream, specs, Map.of("format", "pt"));
            for (int t = 0; t < specs.size(); t++) {
                monitor.checkpoint();
                TensorSpec spec = specs.get(t);
                TensorInfo baseInfo = job.base().tensors().get(spec.name());
                SafetensorsFile baseFile = job.base().fileOf(spec.name());
                if (!baseInfo.dtype().mergeable()) {
                    writer.writeBytes(baseFile.bytes(baseInfo));
                } else {
                    long elements = baseInfo.elementCount();
                    for (long first = 0; first < elements; first += CHUNK_ELEMENTS) {
                        int count = (int) Math.min(CHUNK_ELEMENTS, elements - first);
                        baseFile.readFloats(baseInfo, first, base, count);
                        for (int i = 0; i < n; i++) {
                            Checkpoint model = job.models().get(i);
                            model.fileOf(spec.name()).readFloats(model.tensors().get(spec.name()), first, models[i], count);
                        }
                        job.merger().merge(base, models, out, count);
                        writer.writeFloats(out, count);
                        if (first + CHUNK_ELEMENTS < elements) {
                            monitor.checkpoint();
                        }
                    }
                }
                written += spec.byteSize();
                monitor.tensorWritten(spec.name(), t + 1, specs.size(), written, totalBytes);
            }
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        copyOtherFiles(job.base(), output);
    }

    private static void copyOtherFiles(Checkpoint base, OutputFolder output) {
        for (String name : base.otherFiles()) {
            try (InputStream in = Files.newInputStream(base.folder().resolve(name));
                 OutputStream out = output.create(name)) {
                in.transferTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + name + " from the base", e);
            }
        }
    }
}
