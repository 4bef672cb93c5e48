package io.embedmerge.storage;

/** The output location already holds data; outputs are never overwritten. */
public class OutputExistsException extends RuntimeException {

    public OutputExistsException(String uri) {
        super("output " + uri + " already exists");
    }
}
