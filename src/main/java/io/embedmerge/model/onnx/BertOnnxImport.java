package io.embedmerge.model.onnx;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.SafetensorsWriter;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.model.BatchListener;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a BERT encoder exported to ONNX (as the sentence-transformers and Optimum exporters write it) back into
 * Hugging Face tensors and a {@code config.json}. Embeddings, biases and LayerNorm keep their Hugging Face names
 * in the export; every Linear weight is renamed {@code onnx::MatMul_NNN} and stored as [in, out], so its name comes
 * from the MatMul node that consumes it ({@code /encoder/layer.0/attention/self/query/MatMul} →
 * {@code encoder.layer.0.attention.self.query.weight}) and it is transposed back to [out, in]. Settings that
 * shapes do not show are read from the graph: the head size from the attention's 1/√d scaling constant, the
 * LayerNorm epsilon from the constant added to the variance, the activation from the presence of Erf (GELU).
 */
public final class BertOnnxImport implements AutoCloseable {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A Hugging Face tensor backed by an ONNX tensor, transposed from [in, out] when it was a MatMul weight. */
    public record ImportedTensor(
            String name, DType dtype, List<Long> shape, OnnxModel.Tensor source, boolean transposed) {}

    /** What {@code config.json} says, as inferred from the graph. */
    public record BertConfig(
            int hiddenSize,
            int layers,
            int heads,
            int intermediateSize,
            int vocabSize,
            int maxPositions,
            int typeVocabSize,
            double layerNormEps,
            String hiddenAct) {}

    private final Arena arena;
    private final Map<String, ImportedTensor> tensors;
    private final BertConfig config;

    private BertOnnxImport(Arena arena, Map<String, ImportedTensor> tensors, BertConfig config) {
        this.arena = arena;
        this.tensors = tensors;
        this.config = config;
    }

    public static BertOnnxImport read(Path onnxFile) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(onnxFile, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            OnnxModel model = OnnxModel.parse(file);
            Map<String, ImportedTensor> tensors = tensors(model);
            return new BertOnnxImport(arena, tensors, config(model, tensors));
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read " + onnxFile, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, ImportedTensor> tensors(OnnxModel model) {
        Map<String, String> matMulWeights = new TreeMap<>();
        for (OnnxModel.Node node : model.nodes()) {
            if (node.opType().equals("MatMul")
                    && node.inputs().size() == 2
                    && model.initializers().containsKey(node.inputs().get(1))) {
                String path = node.name().replaceFirst("^/", "").replaceFirst("/MatMul(_\\d+)?$", "");
                matMulWeights.put(node.inputs().get(1), path.replace('/', '.') + ".weight");
            }
        }
        Map<String, ImportedTensor> tensors = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (OnnxModel.Tensor t : model.initializers().values()) {
            DType dtype = switch (t.dataType()) {
                case OnnxModel.FLOAT -> DType.F32;
                case OnnxModel.INT64 -> DType.I64;
                default ->
                    throw new OnnxFormatException("initializer '" + t.name() + "' has ONNX data type " + t.dataType()
                            + "; only float32 and int64 models are imported");
            };
            if (t.data().byteSize() != t.elementCount() * dtype.byteSize()) {
                throw new OnnxFormatException("initializer '" + t.name() + "' has "
                        + t.data().byteSize() + " bytes of data for shape " + t.dims());
            }
            String mapped = matMulWeights.get(t.name());
            if (mapped != null) {
                if (t.dims().size() != 2) {
                    throw new OnnxFormatException("MatMul weight '" + t.name() + "' is not a matrix");
                }
                tensors.put(
                        mapped,
                        new ImportedTensor(
                                mapped, dtype, List.of(t.dims().get(1), t.dims().get(0)), t, true));
            } else if (t.name().startsWith("embeddings.")
                    || t.name().startsWith("encoder.")
                    || t.name().startsWith("pooler.")) {
                tensors.put(t.name(), new ImportedTensor(t.name(), dtype, t.dims(), t, false));
            } else {
                unknown.add(t.name());
            }
        }
        if (!unknown.isEmpty()) {
            throw new OnnxFormatException("initializers with no Hugging Face name: " + unknown);
        }
        return tensors;
    }

    private static BertConfig config(OnnxModel model, Map<String, ImportedTensor> tensors) {
        ImportedTensor words = require(tensors, "embeddings.word_embeddings.weight");
        int hidden = Math.toIntExact(words.shape().get(1));
        int layers = 0;
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        float scale = constantInput(model, "/encoder/layer.0/attention/self/Div", 1);
        int headSize = Math.round(scale * scale);
        if (headSize <= 0 || hidden % headSize != 0) {
            throw new OnnxFormatException("the attention scaling constant " + scale + " does not give a head size "
                    + "that divides the hidden size " + hidden);
        }
        double eps = constantInput(model, "/embeddings/LayerNorm/Add", 1);
        boolean gelu = model.nodes().stream().anyMatch(n -> n.opType().equals("Erf"));
        return new BertConfig(
                hidden,
                layers,
                hidden / headSize,
                Math.toIntExact(require(tensors, "encoder.layer.0.intermediate.dense.weight")
                        .shape()
                        .get(0)),
                Math.toIntExact(words.shape().get(0)),
                Math.toIntExact(require(tensors, "embeddings.position_embeddings.weight")
                        .shape()
                        .get(0)),
                Math.toIntExact(require(tensors, "embeddings.token_type_embeddings.weight")
                        .shape()
                        .get(0)),
                Double.parseDouble(String.format(Locale.ROOT, "%.3g", eps)),
                gelu ? "gelu" : "relu");
    }

    private static ImportedTensor require(Map<String, ImportedTensor> tensors, String name) {
        ImportedTensor t = tensors.get(name);
        if (t == null) {
            throw new OnnxFormatException("the model has no '" + name + "' (not a BERT encoder?)");
        }
        return t;
    }

    /** The scalar fed to input {@code index} of the named node, from a Constant node or an initializer. */
    private static float constantInput(OnnxModel model, String nodeName, int index) {
        OnnxModel.Node node = model.nodes().stream()
                .filter(n -> n.name().equals(nodeName))
                .findFirst()
                .orElseThrow(() -> new OnnxFormatException("the graph has no node '" + nodeName + "'"));
        String input = node.inputs().get(index);
        OnnxModel.Tensor initializer = model.initializers().get(input);
        if (initializer != null) {
            return initializer.scalar();
        }
        return model.producerOf(input)
                .filter(n -> n.value() != null)
                .map(n -> n.value().scalar())
                .orElseThrow(
                        () -> new OnnxFormatException("input " + index + " of '" + nodeName + "' is not a constant"));
    }

    public Map<String, ImportedTensor> tensors() {
        return tensors;
    }

    public BertConfig config() {
        return config;
    }

    /** Writes {@code model.safetensors} (float32, Hugging Face names and layouts) and {@code config.json}. */
    public void write(OutputFolder output) {
        write(output, BatchListener.NONE);
    }

    /** As {@link #write(OutputFolder)}, telling {@code listener} after every tensor (it may throw to stop). */
    public void write(OutputFolder output, BatchListener listener) {
        List<TensorSpec> specs = tensors.values().stream()
                .sorted(Comparator.comparing(ImportedTensor::name))
                .map(t -> new TensorSpec(t.name(), t.dtype(), t.shape()))
                .toList();
        try (OutputStream out = output.create(Checkpoint.SINGLE_FILE)) {
            SafetensorsWriter writer = SafetensorsWriter.start(out, specs, Map.of("format", "pt"));
            int written = 0;
            for (TensorSpec spec : specs) {
                ImportedTensor t = tensors.get(spec.name());
                if (t.transposed()) {
                    writer.writeFloats(transpose(t), (int) spec.elementCount());
                } else {
                    writer.writeBytes(t.source().data());
                }
                listener.batchDone(++written, specs.size());
            }
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (OutputStream out = output.create("config.json")) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(configJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** [in, out] row-major → [out, in] row-major. */
    private static float[] transpose(ImportedTensor t) {
        int in = Math.toIntExact(t.source().dims().get(0));
        int out = Math.toIntExact(t.source().dims().get(1));
        float[] result = new float[in * out];
        MemorySegment data = t.source().data();
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                result[o * in + i] = data.getAtIndex(F32, (long) i * out + o);
            }
        }
        return result;
    }

    ObjectNode configJson() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("BertModel");
        c.put("model_type", "bert");
        c.put("hidden_size", config.hiddenSize());
        c.put("num_hidden_layers", config.layers());
        c.put("num_attention_heads", config.heads());
        c.put("intermediate_size", config.intermediateSize());
        c.put("hidden_act", config.hiddenAct());
        c.put("hidden_dropout_prob", 0.1);
        c.put("attention_probs_dropout_prob", 0.1);
        c.put("max_position_embeddings", config.maxPositions());
        c.put("type_vocab_size", config.typeVocabSize());
        c.put("vocab_size", config.vocabSize());
        c.put("layer_norm_eps", config.layerNormEps());
        c.put("initializer_range", 0.02);
        c.put("pad_token_id", 0);
        c.put("position_embedding_type", "absolute");
        c.put("torch_dtype", "float32");
        return c;
    }

    @Override
    public void close() {
        arena.close();
    }
}
