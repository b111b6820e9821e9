package dev.scepter.authority.revocation;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.validity.RevocationIndex;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Manual revocation: recorded, audited, and in effect at once on this node. */
public final class Revocations {

    private final CertificateStore store;
    private final String issuer;
    private final RevocationIndex index;
    private final AuditLog audit;
    private final Clock clock;
    private final List<Consumer<BigInteger>> listeners = new CopyOnWriteArrayList<>();

    public Revocations(CertificateStore store, String issuer, RevocationIndex index, AuditLog audit, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.index = Objects.requireNonNull(index, "index");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Told of each revocation this node makes (cached OCSP answers are dropped, the CRL is issued anew). */
    public void onRevoked(Consumer<BigInteger> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Whether {@code der} is, byte for byte, the certificate this CA recorded with its serial: what
     * a revocation request that presents a certificate (ACME's revokeCert) must prove before its
     * issuer name and serial, which anyone can write into a certificate of their own, are believed.
     */
    public boolean isRecorded(BigInteger serialNumber, byte[] der) {
        return store.find(issuer, serialNumber).map(recorded -> java.security.MessageDigest.isEqual(recorded.der(), der)).orElse(false);
    }

    /** The record of the certificate this CA issued with that serial number, if any. */
    public java.util.Optional<dev.scepter.authority.store.IssuedCertificate> recorded(BigInteger serialNumber) {
        return store.find(issuer, serialNumber);
    }

    /**
     * @param actor  who asks (the API token's name)
     * @param reason a CRLReason code (RFC 5280 section 5.3.1)
     * @param revoker who the caller says revokes, as SCEPman records it: "{revoker} through API user {actor}"
     */
    public RevocationOutcome revoke(String actor, BigInteger serialNumber, int reason, String revoker) {
        String revokedBy = revoker == null || revoker.isBlank() ? actor : revoker + " through API user " + actor;
        Revocation revocation = new Revocation(reason, clock.instant(), revokedBy);
        RevocationOutcome outcome = store.revoke(issuer, serialNumber, revocation);
        // The person behind the caller too (Certificate Master's signed-in admin), as the certificate records them.
        audit.append(new AuditEvent(revocation.revokedAt(), revokedBy, "certificate.revoke",
                serialNumber.toString(16).toUpperCase(java.util.Locale.ROOT) + " reason " + reason,
                outcome.name().toLowerCase(java.util.Locale.ROOT)));
        if (outcome == RevocationOutcome.REVOKED) {
            index.add(serialNumber, revocation);
            listeners.forEach(listener -> listener.accept(serialNumber));
        }
        return outcome;
    }
}
