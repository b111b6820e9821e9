package dev.scepter.protocol.scep;

/**
 * The bytes are not a SCEP pkiMessage at all (RFC 8894 section 3.2): not BER/DER, not a CMS
 * SignedData, no signer, no signer certificate, or a missing or unknown messageType,
 * transactionID or senderNonce. Without these there is nobody to answer with a CertRep, so the
 * HTTP layer answers 400.
 */
public final class MalformedScepMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedScepMessageException(String message) {
        super(message);
    }

    public MalformedScepMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
