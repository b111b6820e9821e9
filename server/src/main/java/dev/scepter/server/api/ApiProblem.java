package dev.scepter.server.api;

import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * An API error the client is told about, as {@code application/problem+json} (RFC 9457), with
 * SCEPman's {@code errorMessage} and {@code errorCode} where SCEPman defines one.
 */
public final class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final Optional<Integer> errorCode;

    public ApiProblem(HttpStatus status, String message) {
        this(status, message, Optional.empty());
    }

    public ApiProblem(HttpStatus status, String message, Optional<Integer> errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public HttpStatus status() {
        return status;
    }

    public Optional<Integer> errorCode() {
        return errorCode;
    }
}
