package dev.scepter.protocol.scep;

import java.util.Optional;

/**
 * The values of the SCEP {@code pkiStatus} signed attribute of a CertRep (RFC 8894 section
 * 3.2.1.3), carried on the wire as a PrintableString holding the decimal code.
 */
public enum PkiStatus {
    /** The request was granted; the CertRep carries the certificates (RFC 8894 section 3.3.2.1). */
    SUCCESS(0),
    /** The request was rejected; the CertRep carries a failInfo (RFC 8894 section 3.3.2.2). */
    FAILURE(2),
    /** The request awaits approval; the client polls with CertPoll (RFC 8894 section 3.3.2.3). */
    PENDING(3);

    private final int code;

    PkiStatus(int code) {
        this.code = code;
    }

    /** The decimal code sent on the wire. */
    public int code() {
        return code;
    }

    /** The status with this code; empty for codes RFC 8894 does not define. */
    public static Optional<PkiStatus> fromCode(int code) {
        for (PkiStatus status : values()) {
            if (status.code == code) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
