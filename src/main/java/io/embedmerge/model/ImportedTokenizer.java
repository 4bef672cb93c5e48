package io.embedmerge.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code tokenizer.json} (Hugging Face tokenizers format) of an imported model, as written into the checkpoint
 * folder: adjusted to the model's sequence length and, where the model's published configuration says so, to
 * lower-case its input. Immutable: every change gives a new instance.
 */
public final class ImportedTokenizer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What BertNormalizer does; {@code stripAccents} null means "as lowercase" (original BERT). */
    public record BertNormalization(
            boolean lowercase, Boolean stripAccents, boolean handleChineseChars, boolean cleanText) {}

    /** The special tokens a BERT tokenizer names; absent ones are null. */
    public record SpecialTokens(String unk, String cls, String sep, String pad, String mask) {}

    private final ObjectNode json;

    private ImportedTokenizer(ObjectNode json) {
        this.json = json;
    }

    public static ImportedTokenizer read(Path file) {
        JsonNode node = JSON.readTree(file.toFile());
        if (!(node instanceof ObjectNode object) || !object.path("model").isObject()) {
            throw new IllegalArgumentException(file + " is not a Hugging Face tokenizer.json (no model)");
        }
        return new ImportedTokenizer(object);
    }

    /**
     * Truncation at the model's {@code max_seq_length} and no padding. ONNX exports often carry the state their
     * exporter left behind (all-MiniLM-L6-v2's: truncate and pad every input to 128), which transformers overrides
     * on every call but the tokenizers library, DJL and other direct readers of tokenizer.json apply: they would cut
     * inputs where sentence-transformers does not (it truncates at max_seq_length) and pad single inputs to a fixed
     * length. Truncating at max_seq_length makes a plain load cut where the published model cuts; padding is a
     * per-batch choice of the caller, as in a tokenizer saved by transformers.
     */
    public ImportedTokenizer truncatedAt(int maxSeqLength) {
        ObjectNode copy = json.deepCopy();
        ObjectNode truncation = JSON.createObjectNode();
        truncation.put("direction", "Right");
        truncation.put("max_length", maxSeqLength);
        truncation.put("strategy", "LongestFirst");
        truncation.put("stride", 0);
        copy.set("truncation", truncation);
        copy.putNull("padding");
        return new ImportedTokenizer(copy);
    }

    /**
     * Lower-cases the input in the normalizer without stripping accents: what sentence-transformers does for a model
     * whose sentence_bert_config.json has do_lower_case (it calls {@code str.lower()} before a tokenizer that keeps
     * case), moved into the tokenizer so that every loader of the folder sees it.
     */
    public ImportedTokenizer lowercased() {
        if (!isBertNormalizer()) {
            throw new IllegalStateException("only a BertNormalizer can be switched to lower case; the normalizer is "
                    + json.path("normalizer"));
        }
        ObjectNode copy = json.deepCopy();
        ObjectNode normalizer = (ObjectNode) copy.get("normalizer");
        normalizer.put("lowercase", true);
        normalizer.put("strip_accents", false);
        return new ImportedTokenizer(copy);
    }

    public JsonNode json() {
        return json;
    }

    public byte[] bytes() {
        return JSON.writeValueAsBytes(json);
    }

    /** The BERT normalisation, when the normalizer is a BertNormalizer. */
    public Optional<BertNormalization> bertNormalization() {
        if (!isBertNormalizer()) {
            return Optional.empty();
        }
        JsonNode n = json.get("normalizer");
        JsonNode strip = n.path("strip_accents");
        return Optional.of(new BertNormalization(
                n.path("lowercase").asBoolean(true),
                strip.isBoolean() ? strip.asBoolean() : null,
                n.path("handle_chinese_chars").asBoolean(true),
                n.path("clean_text").asBoolean(true)));
    }

    private boolean isBertNormalizer() {
        return "BertNormalizer".equals(json.path("normalizer").path("type").asString(null));
    }

    /**
     * The WordPiece vocabulary in id order (the lines of vocab.txt), when the model is WordPiece and its ids are
     * 0…n−1 without gaps.
     */
    public Optional<List<String>> wordPieceVocabulary() {
        JsonNode model = json.get("model");
        if (!"WordPiece".equals(model.path("type").asString(null))
                || !model.path("vocab").isObject()) {
            return Optional.empty();
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : model.get("vocab").properties()) {
            entries.add(Map.entry(e.getKey(), e.getValue().asInt()));
        }
        entries.sort(Comparator.comparingInt(Map.Entry::getValue));
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getValue() != i) {
                return Optional.empty();
            }
        }
        return Optional.of(entries.stream().map(Map.Entry::getKey).toList());
    }

    /**
     * Unknown from the model; [CLS] and [SEP] from the post-processor (first and last special token of the single
     * sequence template, or BertProcessing's pair); [PAD] and [MASK] when the vocabulary has them.
     */
    public SpecialTokens specialTokens() {
        JsonNode model = json.get("model");
        String unk = model.path("unk_token").asString(null);
        String cls = null;
        String sep = null;
        JsonNode post = json.path("post_processor");
        if ("TemplateProcessing".equals(post.path("type").asString(null))) {
            List<String> special = new ArrayList<>();
            for (JsonNode piece : post.path("single")) {
                if (piece.has("SpecialToken")) {
                    special.add(piece.get("SpecialToken").path("id").asString());
                }
            }
            if (!special.isEmpty()) {
                cls = special.getFirst();
                sep = special.getLast();
            }
        } else if ("BertProcessing".equals(post.path("type").asString(null))) {
            cls = post.path("cls").path(0).asString(null);
            sep = post.path("sep").path(0).asString(null);
        }
        JsonNode vocab = model.path("vocab");
        String pad = vocab.has("[PAD]") ? "[PAD]" : null;
        String mask = vocab.has("[MASK]") ? "[MASK]" : null;
        return new SpecialTokens(unk, cls, sep, pad, mask);
    }

    /** The decoder's clean-up of spaces before punctuation (WordPiece decoder), true when not said. */
    public boolean cleansUpSpaces() {
        return json.path("decoder").path("cleanup").asBoolean(true);
    }
}
