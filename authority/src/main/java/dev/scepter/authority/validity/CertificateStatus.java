package dev.scepter.authority.validity;

import java.time.Instant;

/** What the authority says about one certificate now: the answer OCSP gives (RFC 6960 section 2.2). */
public sealed interface CertificateStatus {

    /** Issued by us, not revoked, its directory object (if any) exists and is enabled. */
    record Good() implements CertificateStatus {
    }

    /**
     * Its directory object is disabled: revoked with reason certificateHold, which lifts when the
     * object is enabled again.
     */
    record OnHold(Instant since) implements CertificateStatus {
    }

    /** Revoked for good: by hand (with its reason), or because its directory object is gone. */
    record Revoked(int reason, Instant revokedAt) implements CertificateStatus {
    }

    /** Not a serial we issued. */
    record Unknown() implements CertificateStatus {
    }
}
