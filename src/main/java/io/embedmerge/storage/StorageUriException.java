package io.embedmerge.storage;

/** A URI that is malformed, of an unsupported scheme, or outside the configured storage roots. */
public class StorageUriException extends RuntimeException {

    private final String uri;

    public StorageUriException(String uri, String message) {
        super(message);
        this.uri = uri;
    }

    public String uri() {
        return uri;
    }
}
