package dev.scepter.authority.store;

import java.math.BigInteger;
import java.util.Objects;

/** A serial number revoked by hand, and how. */
public record RevokedCertificate(BigInteger serialNumber, Revocation revocation) {
    public RevokedCertificate {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(revocation, "revocation");
    }
}
