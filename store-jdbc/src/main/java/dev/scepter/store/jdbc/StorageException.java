package dev.scepter.store.jdbc;

/**
 * The database could not be reached or refused a statement for a reason the caller cannot act
 * on. Messages name the JDBC URL without credentials, never a password.
 */
public final class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
