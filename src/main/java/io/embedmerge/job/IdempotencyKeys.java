package io.embedmerge.job;

/** The rules of an {@code Idempotency-Key}: it is stored (varchar 255) and echoed, so it must be short and plain. */
final class IdempotencyKeys {

    static final String HEADER = "Idempotency-Key";

    private IdempotencyKeys() {}

    /** Throws {@link MalformedRequestException} naming the header unless the key is 1–255 printable ASCII characters. */
    static void check(String key) {
        if (key == null) {
            return;
        }
        if (key.isEmpty() || key.length() > RequestLimits.MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw invalid("must be 1 to " + RequestLimits.MAX_IDEMPOTENCY_KEY_LENGTH + " characters long, got "
                    + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw invalid(String.format("must be printable ASCII; character %d is U+%04X", i, (int) c));
            }
        }
    }

    private static MalformedRequestException invalid(String message) {
        return new MalformedRequestException(new FieldProblem(HEADER, message));
    }
}
