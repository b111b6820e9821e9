package dev.scepter.authority.validity;

/**
 * The status of a certificate cannot be told now: the store is unreachable, or this node's
 * budget of store reads for serials it does not know is spent. Not an answer about the
 * certificate: OCSP says tryLater, and the client asks again.
 */
public final class StatusUnavailableException extends RuntimeException {
    public StatusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
