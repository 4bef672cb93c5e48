package io.embedmerge.model;

import io.embedmerge.storage.OutputFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sentence-transformers files of a checkpoint folder: Transformer → Pooling → Normalize modules, the sequence
 * length, and the pooling configuration.
 */
public final class SentenceTransformersFiles {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SentenceTransformersFiles() {}

    public static void write(OutputFolder output, Pooling pooling, int maxSeqLength, int dimension) {
        ArrayNode modules = JSON.createArrayNode();
        module(modules, 0, "", "sentence_transformers.models.Transformer");
        module(modules, 1, "1_Pooling", "sentence_transformers.models.Pooling");
        module(modules, 2, "2_Normalize", "sentence_transformers.models.Normalize");
        json(output, "modules.json", modules);

        ObjectNode config = JSON.createObjectNode();
        config.put("max_seq_length", maxSeqLength);
        config.put("do_lower_case", false);
        json(output, "sentence_bert_config.json", config);

        ObjectNode poolingConfig = JSON.createObjectNode();
        poolingConfig.put("word_embedding_dimension", dimension);
        poolingConfig.put("pooling_mode_cls_token", pooling == Pooling.CLS);
        poolingConfig.put("pooling_mode_mean_tokens", pooling == Pooling.MEAN);
        poolingConfig.put("pooling_mode_max_tokens", false);
        poolingConfig.put("pooling_mode_mean_sqrt_len_tokens", false);
        json(output, "1_Pooling/config.json", poolingConfig);

        ObjectNode st = JSON.createObjectNode();
        st.putObject("prompts");
        st.putNull("default_prompt_name");
        st.put("similarity_fn_name", "cosine");
        json(output, "config_sentence_transformers.json", st);
    }

    private static void module(ArrayNode modules, int index, String path, String type) {
        ObjectNode m = modules.addObject();
        m.put("idx", index);
        m.put("name", String.valueOf(index));
        m.put("path", path);
        m.put("type", type);
    }

    private static void json(OutputFolder output, String name, Object value) {
        try (OutputStream out = output.create(name)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
