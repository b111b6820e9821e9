package dev.scepter.authority.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A manual revocation.
 *
 * @param reason    the CRLReason code (RFC 5280 section 5.3.1)
 * @param revokedAt when it took effect
 * @param revokedBy who revoked it
 */
public record Revocation(int reason, Instant revokedAt, String revokedBy) {
    public Revocation {
        if (reason < 0 || reason > 10 || reason == 7) {
            throw new IllegalArgumentException("not a CRLReason code: " + reason);
        }
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(revokedBy, "revokedBy");
    }
}
