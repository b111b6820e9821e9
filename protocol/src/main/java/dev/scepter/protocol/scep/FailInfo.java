package dev.scepter.protocol.scep;

import java.util.Optional;

/**
 * The values of the SCEP {@code failInfo} signed attribute of a CertRep FAILURE (RFC 8894
 * section 3.2.1.4), carried on the wire as a PrintableString holding the decimal code.
 */
public enum FailInfo {
    /** Unrecognized or unsupported algorithm identifier. */
    BAD_ALG(0),
    /** Integrity check failed: a signature that does not verify, an envelope that cannot be opened. */
    BAD_MESSAGE_CHECK(1),
    /** Transaction not permitted or supported. */
    BAD_REQUEST(2),
    /** The signingTime attribute was not close enough to the system time. */
    BAD_TIME(3),
    /** No certificate could be identified matching the provided criteria. */
    BAD_CERT_ID(4);

    private final int code;

    FailInfo(int code) {
        this.code = code;
    }

    /** The decimal code sent on the wire. */
    public int code() {
        return code;
    }

    /** The failure reason with this code; empty for codes RFC 8894 does not define. */
    public static Optional<FailInfo> fromCode(int code) {
        for (FailInfo failInfo : values()) {
            if (failInfo.code == code) {
                return Optional.of(failInfo);
            }
        }
        return Optional.empty();
    }
}
