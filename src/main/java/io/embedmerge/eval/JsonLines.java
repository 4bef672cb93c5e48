package io.embedmerge.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a JSON-lines file, skipping blank lines; the parser is told each object's 1-based line number for errors. */
public final class JsonLines {

    /** Turns one line's object into a record, or throws naming the line. */
    @FunctionalInterface
    public interface LineParser<T> {
        T parse(JsonNode node, int lineNumber);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonLines() {}

    public static <T> List<T> read(Path file, LineParser<T> parser) {
        List<T> records = new ArrayList<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                if (!line.isBlank()) {
                    records.add(parser.parse(JSON.readTree(line), lineNumber));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }
}
