package dev.scepter.certmaster.core;

/** The core did not answer, or not as its API does: nothing the signed-in user can fix. */
public final class CoreUnavailable extends RuntimeException {

    public CoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
