package io.embedmerge.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.tensor.ComputeDevice;
import io.embedmerge.tensor.Scalars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The BERT-family encoder (BERT, XLM-RoBERTa) of a checkpoint folder, in DJL (PyTorch engine): embeddings (word +
 * position + token type),
 * LayerNorm, self-attention with the padding mask, GELU feed-forward, then the sentence-transformers pooling (CLS
 * or masked mean) and optional L2 normalisation. Weights come through the project's own checkpoint reader, so
 * bf16 and f16 checkpoints reach DJL as float32.
 */
public final class BertEncoder implements AutoCloseable {

    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private final EncoderConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final ConfinedFolder folder;
    private HuggingFaceTokenizer tokenizer;
    private int maxTokens;
    private LinearInputRecorder linearInputs;
    private NDArray currentMask;

    private BertEncoder(EncoderConfig config, NDManager manager, ConfinedFolder folder) {
        this.config = config;
        this.manager = manager;
        this.folder = folder;
        this.maxTokens = config.maxSeqLength();
    }

    public static BertEncoder load(Path folder) {
        return load(folder, DataType.FLOAT32);
    }

    /** @param precision FLOAT32 for inference and training, FLOAT64 for gradient checks */
    public static BertEncoder load(Path folder, DataType precision) {
        return load(ConfinedFolder.self(folder), precision);
    }

    public static BertEncoder load(ConfinedFolder folder) {
        return load(folder, DataType.FLOAT32);
    }

    /** Reads config, tokenizer and weights through the confined folder, so none comes from outside the roots. */
    public static BertEncoder load(ConfinedFolder folder, DataType precision) {
        EncoderConfig config = EncoderConfig.read(folder);
        NDManager manager = ComputeDevice.newManager();
        try {
            BertEncoder encoder = new BertEncoder(config, manager, folder);
            try (Checkpoint checkpoint = Checkpoint.open(folder)) {
                for (TensorInfo t : checkpoint.tensors().values()) {
                    if (!t.dtype().mergeable()) {
                        continue;
                    }
                    float[] values = checkpoint.fileOf(t.name()).readFloats(t);
                    long[] shape = t.shape().stream().mapToLong(Long::longValue).toArray();
                    NDArray array = manager.create(values, new Shape(shape));
                    encoder.weights.put(
                            t.name(), precision == DataType.FLOAT32 ? array : array.toType(precision, false));
                }
            }
            return encoder;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public EncoderConfig config() {
        return config;
    }

    /** Every parameter by its checkpoint name; call {@code setRequiresGradient(true)} on those to train. */
    public Map<String, NDArray> parameters() {
        return weights;
    }

    /**
     * Calls the recorder with the input of every Linear layer (prefix such as
     * {@code encoder.layer.0.attention.self.query}, input [batch, length, in]) during forward passes; RegMean
     * accumulates XᵀX from these. Null stops recording.
     */
    public void recordLinearInputs(LinearInputRecorder recorder) {
        this.linearInputs = recorder;
    }

    /**
     * Truncates inputs to at most {@code tokens} tokens (special tokens included) from now on, never beyond the
     * checkpoint's own {@code max_seq_length}; training uses it to bound activation memory.
     */
    public synchronized void limitSequenceLength(int tokens) {
        if (tokens < 2) {
            throw new IllegalArgumentException("a sequence needs at least 2 tokens ([CLS] and [SEP])");
        }
        maxTokens = Math.min(tokens, config.maxSeqLength());
        if (tokenizer != null) {
            tokenizer.close();
            tokenizer = null;
        }
    }

    private synchronized HuggingFaceTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = HuggingFaceTokenizer.newInstance(
                        folder.file("tokenizer.json"),
                        Map.of(
                                "addSpecialTokens",
                                "true",
                                "truncation",
                                "true",
                                "padding",
                                "false",
                                "maxLength",
                                String.valueOf(maxTokens)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load tokenizer.json in " + folder, e);
            }
        }
        return tokenizer;
    }

    /** Sentence embeddings in input order; batches are formed by length to minimise padding. */
    public float[][] encode(List<String> sentences, int batchSize) {
        return encode(sentences, batchSize, BatchListener.NONE);
    }

    /** As {@link #encode(List, int)}, telling {@code listener} after every batch (it may throw to stop). */
    public float[][] encode(List<String> sentences, int batchSize, BatchListener listener) {
        Encoding[] encodings = tokenizer().batchEncode(sentences);
        Integer[] order = IntStream.range(0, encodings.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        float[][] result = new float[encodings.length][];
        int batches = (order.length + batchSize - 1) / batchSize;
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            List<Encoding> batch = new ArrayList<>();
            for (int i = start; i < end; i++) {
                batch.add(encodings[order[i]]);
            }
            float[][] embedded = encodeBatch(batch);
            for (int i = start; i < end; i++) {
                result[order[i]] = embedded[i - start];
            }
            listener.batchDone(start / batchSize + 1, batches);
        }
        return result;
    }

    /** Token ids, token types and attention mask of texts, padded to the longest: [ids, types, mask]. */
    public NDArray[] tokenize(List<String> texts, NDManager scope) {
        return padded(List.of(tokenizer().batchEncode(texts)), scope);
    }

    private static NDArray[] padded(List<Encoding> batch, NDManager scope) {
        int b = batch.size();
        int length = batch.stream().mapToInt(e -> e.getIds().length).max().orElse(1);
        long[] ids = new long[b * length];
        long[] types = new long[b * length];
        long[] mask = new long[b * length];
        for (int i = 0; i < b; i++) {
            long[] tokenIds = batch.get(i).getIds();
            long[] tokenTypes = batch.get(i).getTypeIds();
            for (int j = 0; j < tokenIds.length; j++) {
                ids[i * length + j] = tokenIds[j];
                types[i * length + j] = tokenTypes[j];
                mask[i * length + j] = 1;
            }
        }
        Shape shape = new Shape(b, length);
        return new NDArray[] {scope.create(ids, shape), scope.create(types, shape), scope.create(mask, shape)};
    }

    private float[][] encodeBatch(List<Encoding> batch) {
        int b = batch.size();
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] inputs = padded(batch, scope);
            float[] flat = embed(inputs[0], inputs[1], inputs[2])
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
            int h = config.hiddenSize();
            float[][] out = new float[b][h];
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * h, out[i], 0, h);
            }
            return out;
        }
    }

    /**
     * Sentence embeddings [batch, hidden] for token ids, token types and the attention mask (1 for tokens, 0 for
     * padding), each [batch, length]: the last layer pooled as configured, L2-normalised if a Normalize module
     * follows. Differentiable: build the loss inside {@link io.embedmerge.tensor.Autograd#gradients} to train.
     */
    public NDArray embed(NDArray ids, NDArray types, NDArray mask) {
        NDArray hidden = forward(ids, types, mask);
        NDArray tokenWeights = mask.toType(hidden.getDataType(), false);
        NDArray pooled = config.pooling() == Pooling.CLS
                ? hidden.get(":, 0, :")
                : hidden.mul(tokenWeights.expandDims(2)).sum(new int[] {1}).div(tokenWeights.sum(new int[] {1}, true));
        if (config.normalize()) {
            pooled = pooled.div(Scalars.atLeast(pooled.norm(new int[] {1}, true), 1e-12));
        }
        return pooled;
    }

    /** Token embeddings [batch, length, hidden] of the last layer. */
    NDArray forward(NDArray ids, NDArray types, NDArray mask) {
        currentMask = mask;
        long b = ids.getShape().get(0);
        long length = ids.getShape().get(1);
        int h = config.hiddenSize();
        NDArray x = Embedding.embedding(ids, w("embeddings.word_embeddings.weight"), SparseFormat.DENSE)
                .singletonOrThrow()
                .add(positionEmbeddings(mask, length))
                .add(Embedding.embedding(types, w("embeddings.token_type_embeddings.weight"), SparseFormat.DENSE)
                        .singletonOrThrow());
        x = layerNorm(x, "embeddings.LayerNorm");
        // 0 where attended, a large negative number at padding: added to the scores before softmax
        NDArray maskBias =
                mask.toType(x.getDataType(), false).neg().add(1f).mul(-1e9f).reshape(b, 1, 1, length);
        int heads = config.heads();
        int headSize = h / heads;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        for (int l = 0; l < config.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            NDArray q = split(linear(x, p + "attention.self.query"), b, length, heads, headSize);
            NDArray k = split(linear(x, p + "attention.self.key"), b, length, heads, headSize);
            NDArray v = split(linear(x, p + "attention.self.value"), b, length, heads, headSize);
            NDArray probabilities = Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), scale)
                    .add(maskBias)
                    .softmax(-1);
            NDArray context = probabilities.matMul(v).transpose(0, 2, 1, 3).reshape(b, length, h);
            x = layerNorm(linear(context, p + "attention.output.dense").add(x), p + "attention.output.LayerNorm");
            NDArray intermediate = activation(linear(x, p + "intermediate.dense"));
            x = layerNorm(linear(intermediate, p + "output.dense").add(x), p + "output.LayerNorm");
        }
        return x;
    }

    /**
     * BERT numbers positions 0, 1, 2, …; XLM-RoBERTa counts only real tokens and starts after its padding index
     * (padding_idx + 1, + 2, …), padding tokens taking padding_idx itself.
     */
    private NDArray positionEmbeddings(NDArray mask, long length) {
        NDArray table = w("embeddings.position_embeddings.weight");
        if (!config.xlmRoberta()) {
            NDArray positions = mask.getManager().arange(0L, length, 1L, DataType.INT64);
            return Embedding.embedding(positions, table, SparseFormat.DENSE).singletonOrThrow();
        }
        NDArray tokens = mask.toType(DataType.INT64, false);
        NDArray positions = tokens.cumSum(1).mul(tokens).add(config.padTokenId());
        return Embedding.embedding(positions, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray activation(NDArray x) {
        return switch (config.hiddenAct()) {
            case "gelu" -> Activation.gelu(x);
            case "relu" -> Activation.relu(x);
            default -> throw new IllegalArgumentException("hidden_act '" + config.hiddenAct() + "' is not supported");
        };
    }

    private static NDArray split(NDArray x, long b, long length, int heads, int headSize) {
        return x.reshape(b, length, heads, headSize).transpose(0, 2, 1, 3);
    }

    /** y = x Wᵀ + b with W as stored, [out, in] (PyTorch's fused linear). */
    private NDArray linear(NDArray x, String prefix) {
        if (linearInputs != null) {
            linearInputs.record(prefix, x, currentMask);
        }
        return Linear.linear(x, w(prefix + ".weight"), w(prefix + ".bias")).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(
                        x, new Shape(config.hiddenSize()), w(prefix + ".weight"), w(prefix + ".bias"), (float)
                                config.layerNormEps())
                .singletonOrThrow();
    }

    private NDArray w(String name) {
        NDArray array = weights.get(name);
        if (array == null) {
            throw new IllegalStateException("the checkpoint has no tensor '" + name + "'");
        }
        return array;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
    }
}
