package io.embedmerge.model;

import io.embedmerge.storage.OutputFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tokenizer files of a checkpoint folder, as transformers' {@code save_pretrained} writes them for a BERT
 * tokenizer: tokenizer.json, tokenizer_config.json, special_tokens_map.json and, for WordPiece, vocab.txt (what the
 * slow BertTokenizer and non-Python loaders read). tokenizer_config.json repeats the normalizer's settings on
 * purpose: BertTokenizerFast rebuilds the normalizer from them when they differ, so they must agree.
 */
public final class TokenizerFiles {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TokenizerFiles() {}

    public static void write(OutputFolder output, ImportedTokenizer tokenizer, int maxSeqLength) {
        bytes(output, "tokenizer.json", tokenizer.bytes());
        Optional<List<String>> vocabulary = tokenizer.wordPieceVocabulary();
        Optional<ImportedTokenizer.BertNormalization> normalization = tokenizer.bertNormalization();
        if (vocabulary.isEmpty() || normalization.isEmpty()) {
            return;
        }
        bytes(output, "vocab.txt", (String.join("\n", vocabulary.get()) + "\n").getBytes(StandardCharsets.UTF_8));

        ImportedTokenizer.SpecialTokens special = tokenizer.specialTokens();
        ObjectNode map = JSON.createObjectNode();
        putIfPresent(map, "cls_token", special.cls());
        putIfPresent(map, "mask_token", special.mask());
        putIfPresent(map, "pad_token", special.pad());
        putIfPresent(map, "sep_token", special.sep());
        putIfPresent(map, "unk_token", special.unk());
        json(output, "special_tokens_map.json", map);

        ImportedTokenizer.BertNormalization n = normalization.get();
        ObjectNode config = JSON.createObjectNode();
        config.put("clean_up_tokenization_spaces", tokenizer.cleansUpSpaces());
        config.put("do_basic_tokenize", true);
        config.put("do_lower_case", n.lowercase());
        config.put("model_max_length", maxSeqLength);
        config.putNull("never_split");
        if (n.stripAccents() == null) {
            config.putNull("strip_accents");
        } else {
            config.put("strip_accents", n.stripAccents());
        }
        config.put("tokenize_chinese_chars", n.handleChineseChars());
        config.put("tokenizer_class", "BertTokenizer");
        config.setAll(map);
        json(output, "tokenizer_config.json", config);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void json(OutputFolder output, String name, ObjectNode value) {
        bytes(output, name, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    }

    private static void bytes(OutputFolder output, String name, byte[] content) {
        try (OutputStream out = output.create(name)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
