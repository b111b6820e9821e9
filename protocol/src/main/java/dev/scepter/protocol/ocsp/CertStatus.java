package dev.scepter.protocol.ocsp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The status of one certificate in a response (RFC 6960 section 4.2.1, {@code CertStatus}). */
public sealed interface CertStatus permits CertStatus.Good, CertStatus.Revoked, CertStatus.Unknown {

    /**
     * Not revoked, as far as the responder knows (RFC 6960 section 2.2). Also the answer for a
     * serial never issued when the responder does not keep a list of what it issued.
     */
    record Good() implements CertStatus {
    }

    /**
     * Revoked at {@code revocationTime}, with a CRLReason code (RFC 5280 section 5.3.1) when one
     * is known. A reversible suspension is certificateHold (6), the reason RFC 6960 section
     * 2.2 also gives, with a revocationTime of 1970-01-01, to a serial never issued.
     *
     * @param reason 0 to 10 without 7, which RFC 5280 leaves unused
     */
    record Revoked(Instant revocationTime, Optional<Integer> reason) implements CertStatus {
        /** certificateHold (RFC 5280 section 5.3.1): revoked for now, may become good again. */
        public static final int CERTIFICATE_HOLD = 6;

        public Revoked {
            Objects.requireNonNull(revocationTime, "revocationTime");
            Objects.requireNonNull(reason, "reason");
            reason.ifPresent(code -> {
                if (code < 0 || code > 10 || code == 7) {
                    throw new IllegalArgumentException("no CRLReason has the code " + code);
                }
            });
        }
    }

    /** The responder does not know the certificate (RFC 6960 section 2.2). */
    record Unknown() implements CertStatus {
    }
}
