package io.embedmerge.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the encoder needs from a checkpoint folder: {@code config.json} (sizes, LayerNorm epsilon, activation, for
 * XLM-RoBERTa the padding index its positions count from) and the sentence-transformers files (pooling,
 * {@code max_seq_length}, whether a Normalize module follows).
 */
public record EncoderConfig(String modelType, int hiddenSize, int layers, int heads, double layerNormEps,
                            String hiddenAct, Pooling pooling, int maxSeqLength, boolean normalize, int padTokenId) {

    public boolean xlmRoberta() {
        return modelType.equals("xlm-roberta");
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static EncoderConfig read(Path folder) {
        JsonNode config = JSON.readTree(folder.resolve("config.json").toFile());
        String type = config.path("model_type").asString("bert");
        if (!type.equals("bert") && !type.equals("xlm-roberta")) {
            throw new IllegalArgumentException("model_type '" + type + "' is not supported (bert, xlm-roberta)");
        }
        Pooling pooling = Pooling.CLS;
        Path poolingFile = folder.resolve("1_Pooling/config.json");
        if (Files.isRegularFile(poolingFile)) {
            pooling = JSON.readTree(poolingFile.toFile()).path("pooling_mode_mean_tokens").asBoolean(false)
                    ? Pooling.MEAN : Pooling.CLS;
        }
        int maxSeqLength = config.path("max_position_embeddings").asInt(512);
        Path sbert = folder.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(sbert)) {
            maxSeqLength = JSON.readTree(sbert.toFile()).path("max_seq_length").asInt(maxSeqLength);
        }
        Path modules = folder.resolve("modules.json");
        boolean normalize = Files.isRegularFile(modules)
                && JSON.readTree(modules.toFile()).toString().contains("sentence_transformers.models.Normalize");
        return new EncoderConfig(type, config.path("hidden_size").asInt(), config.path("num_hidden_layers").asInt(),
                config.path("num_attention_heads").asInt(), config.path("layer_norm_eps").asDouble(1e-12),
                config.path("hidden_act").asString("gelu"), pooling, maxSeqLength, normalize,
                config.path("pad_token_id").asInt(type.equals("xlm-roberta") ? 1 : 0));
    }
}
