package io.embedmerge.job;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The limits on a job's metadata: labels that orchestrators attach to find their jobs again. */
public final class JobMetadata {

    public static final int MAX_ENTRIES = 16;
    public static final int MAX_VALUE_LENGTH = 256;
    private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9._-]{1,63}");

    private JobMetadata() {}

    public static boolean validKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    static void check(Map<String, String> metadata, List<FieldProblem> problems) {
        if (metadata == null) {
            return;
        }
        if (metadata.size() > MAX_ENTRIES) {
            problems.add(new FieldProblem("metadata", "at most " + MAX_ENTRIES + " entries"));
        }
        metadata.forEach((key, value) -> {
            if (!validKey(key)) {
                problems.add(new FieldProblem(
                        "metadata",
                        "key '" + abbreviate(key) + "' must be 1 to 63 characters of a-z, A-Z, 0-9, '.', '_' or '-'"));
            } else if (value == null || value.length() > MAX_VALUE_LENGTH) {
                problems.add(new FieldProblem(
                        "metadata." + key, "must be a string of at most " + MAX_VALUE_LENGTH + " characters"));
            }
        });
    }

    private static String abbreviate(String key) {
        return key == null ? "null" : key.length() > 70 ? key.substring(0, 70) + "…" : key;
    }
}
