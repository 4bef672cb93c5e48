package io.embedmerge.positioning;

import io.embedmerge.eval.JsonLines;
import io.embedmerge.eval.StsData;
import io.embedmerge.eval.StsPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Probe and training pairs: JSON lines {@code {"query", "positive", "negatives": [...]}}, the FlagEmbedding layout
 * {@code {"query", "pos": [...], "neg": [...]}} (negatives optional in both), or STS data (TSV or {@code sentence1/sentence2/score} lines) whose pairs scoring at
 * least {@code threshold} become (query, positive).
 */
public final class PairData {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PairData() {}

    public static List<TextPair> read(Path file, double threshold) {
        if (file.getFileName().toString().endsWith(".jsonl") && isPairLayout(file)) {
            return pairs(file);
        }
        List<TextPair> pairs = new ArrayList<>();
        for (StsPair p : StsData.read(file)) {
            if (p.score() >= threshold) {
                pairs.add(new TextPair(p.sentence1(), p.sentence2()));
            }
        }
        return pairs;
    }

    /** Every STS pair with its gold score, for score objectives (CoSENT). */
    public static List<TextPair> readScored(Path file) {
        List<TextPair> pairs = new ArrayList<>();
        for (StsPair p : StsData.read(file)) {
            pairs.add(new TextPair(p.sentence1(), p.sentence2(), List.of(), p.score()));
        }
        return pairs;
    }

    private static boolean isPairLayout(Path file) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank())
                    .findFirst()
                    .map(l -> JSON.readTree(l).has("query"))
                    .orElse(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<TextPair> pairs(Path file) {
        return JsonLines.read(file, (node, lineNumber) -> {
            String positive = node.has("positive")
                    ? node.path("positive").asString()
                    : node.path("pos").isArray() && !node.path("pos").isEmpty()
                            ? node.path("pos").get(0).asString()
                            : null;
            if (!node.has("query") || positive == null) {
                throw new IllegalArgumentException(file.getFileName() + " line " + lineNumber
                        + ": needs \"query\" and \"positive\" (or a non-empty \"pos\")");
            }
            JsonNode negatives = node.has("negatives") ? node.path("negatives") : node.path("neg");
            if (!negatives.isMissingNode() && !negatives.isArray()) {
                throw new IllegalArgumentException(
                        file.getFileName() + " line " + lineNumber + ": \"negatives\" must be an array of texts");
            }
            List<String> negativeTexts = new ArrayList<>();
            negatives.forEach(n -> negativeTexts.add(n.asString()));
            return new TextPair(node.path("query").asString(), positive, negativeTexts);
        });
    }
}
