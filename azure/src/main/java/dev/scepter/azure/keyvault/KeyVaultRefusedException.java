package dev.scepter.azure.keyvault;

import dev.scepter.authority.ca.CaKeyUnavailableException;

/**
 * Key Vault refused a serving instance's key operation (401 or 403: a role removed, a challenge
 * for another audience). The CA key cannot be used until an administrator grants the role again,
 * which is not the client's fault nor a fault of the server's: its clients are answered as for an
 * unavailable key (CertRep FAILURE or HTTP 503, the API 503), and the homepage's row names the
 * role to grant. The message names the vault, the operation and the role, never a token.
 */
public final class KeyVaultRefusedException extends CaKeyUnavailableException {

    private static final long serialVersionUID = 1L;

    public KeyVaultRefusedException(String message) {
        super(message);
    }
}
