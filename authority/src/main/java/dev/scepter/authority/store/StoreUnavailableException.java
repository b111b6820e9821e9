package dev.scepter.authority.store;

/**
 * The store cannot be reached now (no connection within the pool's bound, the connection broke,
 * the server is shutting down): the request may succeed later, and the caller answers in its
 * protocol's terms for "try later" rather than as a failure of its own. The message names no
 * credential.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
