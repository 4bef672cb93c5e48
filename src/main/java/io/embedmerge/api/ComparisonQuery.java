package io.embedmerge.api;

import io.embedmerge.job.FieldProblem;
import io.embedmerge.job.JobValidationException;
import io.embedmerge.job.MalformedRequestException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which jobs a comparison takes: the ids given (in their order, each once) or the jobs whose metadata match the
 * {@code metadata.<key>=<value>} filters; never more than {@code limit}.
 */
record ComparisonQuery(List<UUID> ids, Map<String, String> metadata, int limit) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Syntax problems are 400s naming the parameter; a limit out of range or exceeded is a 422. */
    static ComparisonQuery of(String ids, Map<String, String> parameters, int limit) {
        Map<String, String> metadata = MetadataFilters.of(parameters);
        boolean byIds = ids != null && !ids.isBlank();
        if (byIds == !metadata.isEmpty()) {
            throw new MalformedRequestException(new FieldProblem(
                    "ids",
                    byIds
                            ? "give either ids or metadata.<key> filters, not both"
                            : "give ids=<id>,<id>,... or at least one metadata.<key>=<value> filter"));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new JobValidationException(List.of(new FieldProblem("limit", "must be between 1 and " + MAX_LIMIT)));
        }
        if (!byIds) {
            return new ComparisonQuery(List.of(), metadata, limit);
        }
        Set<UUID> parsed = new LinkedHashSet<>();
        for (String part : ids.split(",", -1)) {
            String id = part.strip();
            if (!UUID_TEXT.matcher(id).matches()) {
                throw new MalformedRequestException(
                        new FieldProblem("ids", "'" + abbreviate(id) + "' is not a valid id"));
            }
            parsed.add(UUID.fromString(id));
        }
        if (parsed.size() > limit) {
            throw new JobValidationException(List.of(
                    new FieldProblem("ids", "at most " + limit + " jobs are compared (limit), got " + parsed.size())));
        }
        return new ComparisonQuery(new ArrayList<>(parsed), metadata, limit);
    }

    boolean byIds() {
        return !ids.isEmpty();
    }

    /** How the jobs were selected, for the page. */
    String describe() {
        return byIds()
                ? "ids " + ids.stream().map(UUID::toString).collect(Collectors.joining(", "))
                : "metadata "
                        + metadata.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(", "));
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
