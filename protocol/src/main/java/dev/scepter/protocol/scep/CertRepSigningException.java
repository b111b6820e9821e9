package dev.scepter.protocol.scep;

/**
 * The {@link CmsSigner} could not sign a CertRep: a fault on the server's side (an HSM or Key
 * Vault out of reach, a key that cannot sign), not the client's, so there is no CertRep to send
 * and the HTTP layer answers 500.
 */
public final class CertRepSigningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CertRepSigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
