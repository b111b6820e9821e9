package dev.scepter.azure.keyvault;

import dev.scepter.authority.ca.CaKeyUnavailableException;

/**
 * Key Vault did not do what the CA key was asked for now: no answer, throttled (429) or
 * unavailable (503) beyond what the caller can wait, or no token. Transient: the caller answers its
 * client that the CA is busy (CertRep FAILURE, OCSP {@code tryLater}) rather than failing for good.
 * The message names the vault and the operation, never a token.
 */
public final class KeyVaultUnavailableException extends CaKeyUnavailableException {

    private static final long serialVersionUID = 1L;

    public KeyVaultUnavailableException(String message) {
        super(message);
    }

    public KeyVaultUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
