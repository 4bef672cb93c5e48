package io.embedmerge.storage;

/** The object store behind a URI cannot be reached or answers with a server error (not the caller's fault). */
public class StorageUnavailableException extends RuntimeException {

    private final String uri;

    public StorageUnavailableException(String uri, String message, Throwable cause) {
        super(message, cause);
        this.uri = uri;
    }

    public String uri() {
        return uri;
    }
}
