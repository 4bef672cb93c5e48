package io.embedmerge.merge;

/** A merge request that cannot be run; {@code field} is the JSON path of the offending value. */
public class InvalidMergeRequestException extends RuntimeException {

    private final String field;

    public InvalidMergeRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
