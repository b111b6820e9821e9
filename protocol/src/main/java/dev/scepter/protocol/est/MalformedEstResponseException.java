package dev.scepter.protocol.est;

/** An EST answer that is not what RFC 7030 says it is (a client's view: tests, tools). */
public final class MalformedEstResponseException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedEstResponseException(String message) {
        super(message);
    }

    public MalformedEstResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
