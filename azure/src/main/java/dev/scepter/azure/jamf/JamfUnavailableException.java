package dev.scepter.azure.jamf;

import dev.scepter.azure.http.ServiceUnavailableException;

/**
 * Jamf Pro gave no usable answer: unreachable, slow, refusing our credentials, or answering with
 * an error. Never "not found": the caller must not revoke on it. The message names the call and
 * what to check, never a token or a secret.
 */
public final class JamfUnavailableException extends ServiceUnavailableException {

    private static final long serialVersionUID = 1L;

    private final String missingPrivilege;

    public JamfUnavailableException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** @param missingPrivilege the API role's privilege Jamf Pro refused (403), by name; null otherwise */
    public JamfUnavailableException(String message, Throwable cause, String missingPrivilege) {
        super(message, cause);
        this.missingPrivilege = missingPrivilege;
    }

    public java.util.Optional<String> missingPrivilege() {
        return java.util.Optional.ofNullable(missingPrivilege);
    }
}
