package dev.scepter.protocol.acme;

/** The ACME error types this server answers with (RFC 8555 section 6.7), each with its HTTP status. */
public enum AcmeError {
    ACCOUNT_DOES_NOT_EXIST("accountDoesNotExist", 400),
    ALREADY_REVOKED("alreadyRevoked", 400),
    BAD_CSR("badCSR", 400),
    BAD_NONCE("badNonce", 400),
    BAD_REVOCATION_REASON("badRevocationReason", 400),
    BAD_SIGNATURE_ALGORITHM("badSignatureAlgorithm", 400),
    /** RFC 8555 section 7.3.5: the new key of a key change is another account's (409, with that account's URL). */
    CONFLICT("malformed", 409),
    CONNECTION("connection", 400),
    DNS("dns", 400),
    EXTERNAL_ACCOUNT_REQUIRED("externalAccountRequired", 403),
    INCORRECT_RESPONSE("incorrectResponse", 403),
    MALFORMED("malformed", 400),
    /** A resource this server has no record of, such as the certificate of an RFC 9773 certID. */
    NOT_FOUND("malformed", 404),
    ORDER_NOT_READY("orderNotReady", 403),
    RATE_LIMITED("rateLimited", 429),
    REJECTED_IDENTIFIER("rejectedIdentifier", 400),
    SERVER_INTERNAL("serverInternal", 503),
    /** A challenge's TLS handshake failed or did not negotiate what the challenge needs (TLS-ALPN-01). */
    TLS("tls", 400),
    UNAUTHORIZED("unauthorized", 403),
    UNSUPPORTED_IDENTIFIER("unsupportedIdentifier", 400),
    /** RFC 8555 section 6.2: a request that is not {@code application/jose+json} MUST get 415; the RFC names no type for it. */
    UNSUPPORTED_MEDIA_TYPE("malformed", 415);

    private static final String PREFIX = "urn:ietf:params:acme:error:";
    private final String code;
    private final int status;

    AcmeError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The problem document's {@code type}, e.g. {@code urn:ietf:params:acme:error:badNonce}. */
    public String type() {
        return PREFIX + code;
    }

    public int status() {
        return status;
    }
}
