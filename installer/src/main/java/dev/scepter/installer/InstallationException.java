package dev.scepter.installer;

/** The installation cannot be completed; the message says what failed and what to do. */
public final class InstallationException extends Exception {
    public InstallationException(String message) {
        super(message);
    }

    public InstallationException(String message, Throwable cause) {
        super(message, cause);
    }
}
