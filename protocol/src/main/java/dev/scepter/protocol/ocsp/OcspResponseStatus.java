package dev.scepter.protocol.ocsp;

import java.util.Optional;

/** The {@code OCSPResponseStatus} ENUMERATED of an OCSPResponse (RFC 6960 section 4.2.1). */
public enum OcspResponseStatus {
    /** The response has valid confirmations: a BasicOCSPResponse follows. */
    SUCCESSFUL(0),
    /** The request did not conform to the OCSP syntax. */
    MALFORMED_REQUEST(1),
    /** The responder reached an inconsistent internal state. */
    INTERNAL_ERROR(2),
    /** The responder is temporarily unable to answer: the client should try again later. */
    TRY_LATER(3),
    /** The client must sign its request. Scepter never requires it. */
    SIG_REQUIRED(5),
    /**
     * The responder is not authoritative for the request (RFC 5019 section 2.2.3): another
     * issuer, or a CertID hash it does not answer.
     */
    UNAUTHORIZED(6);

    private final int code;

    OcspResponseStatus(int code) {
        this.code = code;
    }

    /** The ENUMERATED value sent on the wire; 4 is not used (RFC 6960 section 4.2.1). */
    public int code() {
        return code;
    }

    /** The status with this code; empty for codes RFC 6960 does not define. */
    public static Optional<OcspResponseStatus> fromCode(int code) {
        for (OcspResponseStatus status : values()) {
            if (status.code == code) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
