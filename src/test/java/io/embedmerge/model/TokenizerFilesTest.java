package io.embedmerge.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.TokenizerConfig;
import io.embedmerge.storage.DirectFolder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The tokenizer files written on import, read back with DJL's tokenizer (the Rust tokenizers library) and Jackson. */
class TokenizerFilesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> NO_PADDING_NO_TRUNCATION =
            Map.of("padding", "false", "truncation", "false");

    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name.substring(1));
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.copy(in, file);
        }
        return file;
    }

    private Path written(ImportedTokenizer tokenizer, int maxSeqLength) {
        Path folder = dir.resolve("out-" + maxSeqLength + "-" + System.nanoTime());
        TokenizerFiles.write(new DirectFolder(folder), tokenizer, maxSeqLength);
        return folder;
    }

    private static long[] ids(Path tokenizerJson, Map<String, String> options, String text) throws IOException {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson, options)) {
            return t.encode(text).getIds();
        }
    }

    @Test
    void miniLmTruncatesAtItsSequenceLengthAndPadsNothingWhileTokenizingAsBefore() throws IOException {
        Path original = resource("/all-minilm-l6-v2-tokenizer.json");
        Path folder = written(ImportedTokenizer.read(original).truncatedAt(256), 256);
        Path tokenizerJson = folder.resolve("tokenizer.json");

        JsonNode json = JSON.readTree(tokenizerJson.toFile());
        assertThat(json.path("truncation").path("max_length").asInt()).isEqualTo(256);
        assertThat(json.path("padding").isNull()).isTrue();

        // a plain load (no options: DJL then truncates at the file's max_length) cuts at 256, as sentence-transformers
        // does with max_seq_length 256; the ONNX export's file cut at 128
        String longText = String.join(" ", java.util.Collections.nCopies(400, "word"));
        assertThat(ids(tokenizerJson, Map.of(), longText)).hasSize(256);
        assertThat(ids(original, Map.of(), longText)).hasSize(128);
        assertThat(ids(tokenizerJson, Map.of(), "A short sentence.")).hasSize(6);

        String sentence = "The Quick brown fox jumps over the lazy dog, doesn't it? Ünïcödé 你好";
        assertThat(ids(tokenizerJson, NO_PADDING_NO_TRUNCATION, sentence))
                .isEqualTo(ids(original, NO_PADDING_NO_TRUNCATION, sentence));
    }

    @Test
    void wordPieceFoldersCarryVocabularyConfigurationAndSpecialTokens() throws IOException {
        Path original = resource("/all-minilm-l6-v2-tokenizer.json");
        Path folder = written(ImportedTokenizer.read(original).truncatedAt(256), 256);

        List<String> vocab = Files.readAllLines(folder.resolve("vocab.txt"), StandardCharsets.UTF_8);
        JsonNode model = JSON.readTree(original.toFile()).path("model").path("vocab");
        assertThat(vocab).hasSize(30522).hasSize(model.size());
        for (int id = 0; id < vocab.size(); id++) {
            assertThat(model.path(vocab.get(id)).asInt(-1))
                    .as("line %d: %s", id, vocab.get(id))
                    .isEqualTo(id);
        }
        assertThat(vocab.get(101)).isEqualTo("[CLS]");

        JsonNode config = JSON.readTree(folder.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("tokenizer_class").asString()).isEqualTo("BertTokenizer");
        assertThat(config.path("do_lower_case").asBoolean()).isTrue();
        assertThat(config.path("strip_accents").isNull()).isTrue();
        assertThat(config.path("tokenize_chinese_chars").asBoolean()).isTrue();
        assertThat(config.path("model_max_length").asInt()).isEqualTo(256);
        TokenizerConfig djl = TokenizerConfig.load(folder.resolve("tokenizer_config.json"));
        assertThat(djl.getModelMaxLength()).isEqualTo(256);
        assertThat(List.of(djl.getClsToken(), djl.getSepToken(), djl.getPadToken(), djl.getUnkToken()))
                .containsExactly("[CLS]", "[SEP]", "[PAD]", "[UNK]");
        assertThat(config.path("mask_token").asString()).isEqualTo("[MASK]");

        JsonNode special =
                JSON.readTree(folder.resolve("special_tokens_map.json").toFile());
        assertThat(special.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("cls_token", "mask_token", "pad_token", "sep_token", "unk_token");

        // the folder as a whole (DJL reads tokenizer.json and tokenizer_config.json) tokenizes like the original
        try (HuggingFaceTokenizer fromFolder = HuggingFaceTokenizer.newInstance(folder, NO_PADDING_NO_TRUNCATION)) {
            assertThat(fromFolder.encode("Merged models load anywhere.").getIds())
                    .isEqualTo(ids(original, NO_PADDING_NO_TRUNCATION, "Merged models load anywhere."));
        }
    }

    @Test
    void bgeLowerCasesLikeSentenceTransformersSoCapitalisedEnglishIsNotUnknown() throws IOException {
        Path original = resource("/bge-small-zh-v1.5-tokenizer.json");
        Path folder = written(ImportedTokenizer.read(original).truncatedAt(512).lowercased(), 512);
        Path tokenizerJson = folder.resolve("tokenizer.json");
        long unk = 100;

        String text = "Apple发布了新的iPhone, Hello World!";
        assertThat(ids(original, NO_PADDING_NO_TRUNCATION, text)).contains(unk);
        assertThat(ids(tokenizerJson, NO_PADDING_NO_TRUNCATION, text)).doesNotContain(unk);
        // sentence-transformers lower-cases with str.lower() before the cased tokenizer, accents kept
        for (String s : List.of(text, "Café au lait, naïve RÉSUMÉ 北京 ABC")) {
            assertThat(ids(tokenizerJson, NO_PADDING_NO_TRUNCATION, s))
                    .isEqualTo(ids(original, NO_PADDING_NO_TRUNCATION, s.toLowerCase(Locale.ROOT)));
        }
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson, NO_PADDING_NO_TRUNCATION)) {
            assertThat(Arrays.asList(t.encode("Hello").getTokens())).containsExactly("[CLS]", "hello", "[SEP]");
        }

        JsonNode normalizer = JSON.readTree(tokenizerJson.toFile()).path("normalizer");
        assertThat(normalizer.path("lowercase").asBoolean()).isTrue();
        assertThat(normalizer.path("strip_accents").asBoolean(true)).isFalse();
        JsonNode config = JSON.readTree(folder.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("do_lower_case").asBoolean()).isTrue();
        assertThat(config.path("strip_accents").isBoolean()).isTrue();
        assertThat(config.path("strip_accents").asBoolean()).isFalse();
        assertThat(config.path("model_max_length").asInt()).isEqualTo(512);
        assertThat(Files.readAllLines(folder.resolve("vocab.txt"))).hasSize(21128);
    }
}
