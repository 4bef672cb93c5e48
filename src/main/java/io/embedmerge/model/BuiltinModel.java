package io.embedmerge.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Embedding models shipped inside Maven jars as ONNX exports with their tokenizers, importable with no download
 * ({@code builtin:<name>}). Pooling and sequence length are those of the models' sentence-transformers
 * configurations. {@code lowercase}: the published sentence-transformers configuration lower-cases the input
 * (sentence_bert_config.json {@code do_lower_case}) where the bundled tokenizer.json does not; the import moves it
 * into the tokenizer (see {@link ImportedTokenizer#lowercased()}).
 */
public enum BuiltinModel {
    ALL_MINILM_L6_V2(
            "all-minilm-l6-v2", "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, 256, false),
    BGE_SMALL_ZH_V15(
            "bge-small-zh-v1.5",
            "/bge-small-zh-v1.5.onnx",
            "/bge-small-zh-v1.5-tokenizer.json",
            Pooling.CLS,
            512,
            true);

    private final String id;
    private final String onnxResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final int maxSeqLength;
    private final boolean lowercase;

    BuiltinModel(
            String id,
            String onnxResource,
            String tokenizerResource,
            Pooling pooling,
            int maxSeqLength,
            boolean lowercase) {
        this.id = id;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.maxSeqLength = maxSeqLength;
        this.lowercase = lowercase;
    }

    public static final String SCHEME = "builtin:";

    public static Optional<BuiltinModel> fromSource(String source) {
        if (source == null || !source.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String id = source.substring(SCHEME.length());
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    public String id() {
        return id;
    }

    public String onnxResource() {
        return onnxResource;
    }

    public String tokenizerResource() {
        return tokenizerResource;
    }

    public Pooling pooling() {
        return pooling;
    }

    public int maxSeqLength() {
        return maxSeqLength;
    }

    public boolean lowercase() {
        return lowercase;
    }
}
