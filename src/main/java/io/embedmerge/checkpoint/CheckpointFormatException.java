package io.embedmerge.checkpoint;

/** A checkpoint file or folder that is malformed or does not match the others; the message names the file and tensor. */
public class CheckpointFormatException extends RuntimeException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
