package dev.scepter.server.security;

import java.io.IOException;

/** Thrown by a request body's stream once more is read than the route accepts; answered with 413. */
public final class RequestBodyTooLargeException extends IOException {

    private final int limit;

    RequestBodyTooLargeException(int limit) {
        super("the request body is larger than " + limit + " bytes");
        this.limit = limit;
    }

    /** The most this route reads, in bytes. */
    public int limit() {
        return limit;
    }
}
