package io.embedmerge.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads STS pairs: tab-separated lines in the STS Benchmark layout (genre, source, year, id, score, sentence1,
 * sentence2, possibly more) or in the three-column layout of its translations (sentence1, sentence2, score), or
 * JSON lines {@code {"sentence1", "sentence2", "score"}} for files ending in .jsonl.
 */
public final class StsData {

    private StsData() {}

    public static List<StsPair> read(Path file) {
        if (!file.getFileName().toString().endsWith(".jsonl")) {
            return readTsv(file);
        }
        return JsonLines.read(file, (node, lineNumber) -> {
            if (!node.has("sentence1")
                    || !node.has("sentence2")
                    || !node.path("score").isNumber()) {
                throw new IllegalArgumentException(file.getFileName() + " line " + lineNumber
                        + ": needs \"sentence1\", \"sentence2\" and a numeric \"score\"");
            }
            return new StsPair(
                    node.path("sentence1").asString(),
                    node.path("sentence2").asString(),
                    node.path("score").asDouble());
        });
    }

    public static List<StsPair> readTsv(Path file) {
        List<StsPair> pairs = new ArrayList<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                String[] f = line.split("\t");
                if (f.length == 3) {
                    pairs.add(new StsPair(f[0], f[1], score(f[2], file, lineNumber)));
                } else if (f.length >= 7) {
                    pairs.add(new StsPair(f[5], f[6], score(f[4], file, lineNumber)));
                } else {
                    throw new IllegalArgumentException(file.getFileName() + " line " + lineNumber
                            + ": expected 3 tab-separated fields (sentence1, sentence2, score) or at least 7 "
                            + "(the STS Benchmark layout), found " + f.length);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pairs;
    }

    private static double score(String field, Path file, int lineNumber) {
        try {
            return Double.parseDouble(field.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    file.getFileName() + " line " + lineNumber + ": score '" + field + "' is not a number");
        }
    }
}
