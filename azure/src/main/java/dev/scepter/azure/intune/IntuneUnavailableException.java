package dev.scepter.azure.intune;

import java.util.Optional;

/**
 * Intune gave no usable answer: its service could not be found or reached, a token could not be
 * had, or it answered with an HTTP error or a body that is not its protocol. The message says
 * which call and why, and names the missing permission where that is the likely cause; it never
 * holds a token.
 */
public class IntuneUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String missingPermission;

    private boolean tenantWithoutIntune;

    public IntuneUnavailableException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** @param missingPermission the permission the refusal points at, by name; null when it is not a refusal */
    public IntuneUnavailableException(String message, Throwable cause, String missingPermission) {
        super(message, cause);
        this.missingPermission = missingPermission;
    }

    /**
     * Whether the tenant has no Intune at all: Graph knows no service principal for Intune's API
     * (service discovery answers 404). Nothing to fix on this instance; the Intune endpoint simply
     * has no one to ask.
     */
    public boolean tenantWithoutIntune() {
        return tenantWithoutIntune;
    }

    IntuneUnavailableException tenantWithoutIntune(boolean value) {
        this.tenantWithoutIntune = value;
        return this;
    }

    /** The permission Intune or Graph refused for, when the failure is a refusal (401, 403, a service not listed). */
    public Optional<String> missingPermission() {
        return Optional.ofNullable(missingPermission);
    }
}
