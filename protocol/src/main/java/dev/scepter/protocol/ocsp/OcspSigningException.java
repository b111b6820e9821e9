package dev.scepter.protocol.ocsp;

/**
 * The responder's {@link dev.scepter.protocol.scep.CmsSigner} could not sign a BasicOCSPResponse:
 * a fault on the server's side (an HSM or Key Vault out of reach, a key that cannot sign), not
 * the client's. The HTTP layer answers {@link OcspResponseEncoder#internalError()} or
 * {@link OcspResponseEncoder#tryLater()} (RFC 6960 section 2.3).
 */
public final class OcspSigningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OcspSigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
