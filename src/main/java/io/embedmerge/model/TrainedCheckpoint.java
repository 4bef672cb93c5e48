package io.embedmerge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.SafetensorsWriter;
import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes an encoder's parameters as a checkpoint folder shaped like its base: the same tensors (floating ones from
 * the encoder as float32, the others copied), and every non-weight file of the base.
 */
public final class TrainedCheckpoint {

    private TrainedCheckpoint() {}

    /** @param prefix folder inside the output, "" or ending in '/' */
    public static void write(Checkpoint base, Map<String, NDArray> parameters, OutputFolder output, String prefix) {
        List<TensorSpec> specs = new ArrayList<>();
        for (TensorInfo t : base.tensors().values()) {
            specs.add(new TensorSpec(t.name(), t.dtype().mergeable() ? DType.F32 : t.dtype(), t.shape()));
        }
        try (OutputStream out = output.create(prefix + Checkpoint.SINGLE_FILE)) {
            SafetensorsWriter writer = SafetensorsWriter.start(out, specs, Map.of("format", "pt"));
            for (TensorInfo t : base.tensors().values()) {
                if (t.dtype().mergeable()) {
                    float[] values = parameters
                            .get(t.name())
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray();
                    writer.writeFloats(values, values.length);
                } else {
                    writer.writeBytes(base.fileOf(t.name()).bytes(t));
                }
            }
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String name : base.otherFiles()) {
            try (InputStream in = base.folder().open(name);
                    OutputStream out = output.create(prefix + name)) {
                in.transferTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
