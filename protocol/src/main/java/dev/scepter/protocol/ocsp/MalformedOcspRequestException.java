package dev.scepter.protocol.ocsp;

/**
 * The bytes are not an OCSPRequest this responder can answer (RFC 6960 section 4.1): not DER, not
 * the OCSPRequest syntax, no request entries or too many, a nonce outside RFC 9654's 1 to 128
 * octets, or a critical extension it does not understand. The HTTP layer answers with an
 * OCSPResponse of status malformedRequest ({@link OcspResponseEncoder#malformedRequest()}),
 * RFC 6960 section 2.3.
 */
public final class MalformedOcspRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedOcspRequestException(String message) {
        super(message);
    }

    public MalformedOcspRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
