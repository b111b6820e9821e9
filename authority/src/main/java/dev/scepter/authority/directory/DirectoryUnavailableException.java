package dev.scepter.authority.directory;

/** The directory cannot answer now; the message says why, without credentials. */
public final class DirectoryUnavailableException extends RuntimeException {
    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
