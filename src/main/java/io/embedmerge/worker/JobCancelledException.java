package io.embedmerge.worker;

/** Thrown inside a running job to stop it: the user cancelled it, or another attempt has taken it over. */
final class JobCancelledException extends RuntimeException {

    private final boolean superseded;

    JobCancelledException(boolean superseded) {
        super(superseded ? "superseded by a newer attempt" : "cancelled");
        this.superseded = superseded;
    }

    boolean superseded() {
        return superseded;
    }
}
