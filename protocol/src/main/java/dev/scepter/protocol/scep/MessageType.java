package dev.scepter.protocol.scep;

import java.util.Optional;

/**
 * The values of the SCEP {@code messageType} signed attribute (RFC 8894 section 3.2.1.2), carried
 * on the wire as a PrintableString holding the decimal code.
 */
public enum MessageType {
    /** The answer to every request (RFC 8894 section 3.3.2). */
    CERT_REP(3),
    /** A renewal, signed with the certificate being renewed (RFC 8894 section 3.3.1). */
    RENEWAL_REQ(17),
    /** A certificate request carrying a PKCS#10 (RFC 8894 section 3.3.1). */
    PKCS_REQ(19),
    /** Polling for a PENDING request, formerly GetCertInitial (RFC 8894 section 3.3.3). */
    CERT_POLL(20),
    /** Retrieving a certificate by issuer and serial number (RFC 8894 section 3.3.4). */
    GET_CERT(21),
    /** Retrieving a CRL by issuer and serial number (RFC 8894 section 3.3.4). */
    GET_CRL(22);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The decimal code sent on the wire. */
    public int code() {
        return code;
    }

    /** The message type with this code; empty for codes RFC 8894 does not define. */
    public static Optional<MessageType> fromCode(int code) {
        for (MessageType type : values()) {
            if (type.code == code) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
