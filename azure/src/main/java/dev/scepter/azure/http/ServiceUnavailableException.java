package dev.scepter.azure.http;

/** A service gave no answer (refused, reset, timed out). The message names the call, never a token. */
public class ServiceUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
