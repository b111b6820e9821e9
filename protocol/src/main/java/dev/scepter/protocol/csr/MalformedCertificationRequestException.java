package dev.scepter.protocol.csr;

/**
 * The bytes are not a PKCS#10 certification request (RFC 2986 section 4) in DER, PEM (RFC 7468
 * section 7) or bare base64: too large, nested deeper than any request, or not the
 * CertificationRequest syntax. The message is fixed text, fit to show the client; BouncyCastle's
 * own message is only in the cause.
 */
public final class MalformedCertificationRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedCertificationRequestException(String message) {
        super(message);
    }

    public MalformedCertificationRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
