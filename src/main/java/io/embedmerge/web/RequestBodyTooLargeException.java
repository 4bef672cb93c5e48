package io.embedmerge.web;

import java.io.IOException;

/** A request body longer than {@code merge.limits.max-body-size}, found while reading it. */
public class RequestBodyTooLargeException extends IOException {

    public static final String TYPE = "/problems/request-too-large";
    public static final String TITLE = "Request too large";

    public RequestBodyTooLargeException(long maxBytes) {
        super("the request body is larger than " + maxBytes + " bytes");
    }
}
