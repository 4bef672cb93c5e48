package io.embedmerge.storage;

/** A file that resolves (after symlinks) outside the storage roots, or a name that would leave its folder. */
public class ForbiddenPathException extends RuntimeException {

    public ForbiddenPathException(String message) {
        super(message);
    }
}
