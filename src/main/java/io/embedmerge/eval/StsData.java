package io.embedmerge.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads STS pairs: the STS Benchmark TSV layout (genre, source, year, id, score, sentence1, sentence2), or JSON
 * lines {@code {"sentence1", "sentence2", "score"}} for files ending in .jsonl.
 */
public final class StsData {

    private StsData() {
    }

    public static List<StsPair> read(Path file) {
        if (!file.getFileName().toString().endsWith(".jsonl")) {
            return readStsBenchmark(file);
        }
        return JsonLines.read(file, (node, lineNumber) -> {
            if (!node.has("sentence1") || !node.has("sentence2") || !node.path("score").isNumber()) {
                throw new IllegalArgumentException(file.getFileName() + " line " + lineNumber
                        + ": needs \"sentence1\", \"sentence2\" and a numeric \"score\"");
            }
            return new StsPair(node.path("sentence1").asString(), node.path("sentence2").asString(),
                    node.path("score").asDouble());
        });
    }

    public static List<StsPair> readStsBenchmark(Path file) {
        List<StsPair> pairs = new ArrayList<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                String[] f = line.split("\t");
                if (f.length < 7) {
                    throw new IllegalArgumentException(file.getFileName() + " line " + lineNumber
                            + ": expected at least 7 tab-separated fields, found " + f.length);
                }
                pairs.add(new StsPair(f[5], f[6], Double.parseDouble(f[4])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pairs;
    }
}
