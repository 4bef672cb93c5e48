package io.embedmerge.model;

import io.embedmerge.storage.ConfinedFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the encoder needs from a checkpoint folder: {@code config.json} (sizes, LayerNorm epsilon, activation, for
 * XLM-RoBERTa the padding index its positions count from) and the sentence-transformers files (pooling,
 * {@code max_seq_length}, whether a Normalize module follows).
 */
public record EncoderConfig(
        String modelType,
        int hiddenSize,
        int layers,
        int heads,
        double layerNormEps,
        String hiddenAct,
        Pooling pooling,
        int maxSeqLength,
        boolean normalize,
        int padTokenId) {

    public boolean xlmRoberta() {
        return modelType.equals("xlm-roberta");
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static EncoderConfig read(Path folder) {
        return read(ConfinedFolder.self(folder));
    }

    public static EncoderConfig read(ConfinedFolder folder) {
        JsonNode config = json(folder, "config.json");
        String type = config.path("model_type").asString("bert");
        if (!type.equals("bert") && !type.equals("xlm-roberta")) {
            throw new IllegalArgumentException("model_type '" + type + "' is not supported (bert, xlm-roberta)");
        }
        Pooling pooling = Pooling.CLS;
        if (folder.isFile("1_Pooling/config.json")) {
            pooling = json(folder, "1_Pooling/config.json")
                            .path("pooling_mode_mean_tokens")
                            .asBoolean(false)
                    ? Pooling.MEAN
                    : Pooling.CLS;
        }
        int maxSeqLength = config.path("max_position_embeddings").asInt(512);
        if (folder.isFile("sentence_bert_config.json")) {
            maxSeqLength = json(folder, "sentence_bert_config.json")
                    .path("max_seq_length")
                    .asInt(maxSeqLength);
        }
        boolean normalize = folder.isFile("modules.json")
                && json(folder, "modules.json").toString().contains("sentence_transformers.models.Normalize");
        return new EncoderConfig(
                type,
                config.path("hidden_size").asInt(),
                config.path("num_hidden_layers").asInt(),
                config.path("num_attention_heads").asInt(),
                config.path("layer_norm_eps").asDouble(1e-12),
                config.path("hidden_act").asString("gelu"),
                pooling,
                maxSeqLength,
                normalize,
                config.path("pad_token_id").asInt(type.equals("xlm-roberta") ? 1 : 0));
    }

    private static JsonNode json(ConfinedFolder folder, String name) {
        try (InputStream in = folder.open(name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " in " + folder, e);
        }
    }
}
