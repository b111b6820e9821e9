package dev.scepter.authority.validity;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevokedCertificate;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every manual revocation of one issuer, in memory, so that OCSP reads no database per request.
 * A revocation made on this node shows at once; one made on another node sharing the store
 * shows after the next {@link #refresh()} (every {@code AppConfig:Store:RevocationRefreshSeconds}).
 */
public final class RevocationIndex {

    private final CertificateStore store;
    private final String issuer;
    private volatile Map<BigInteger, Revocation> revoked = new ConcurrentHashMap<>();

    public RevocationIndex(CertificateStore store, String issuer) {
        this.store = Objects.requireNonNull(store, "store");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /**
     * Reads every manual revocation from the store. @return whether the set changed (the CRL is
     * then issued anew).
     */
    public boolean refresh() {
        Map<BigInteger, Revocation> fresh = new HashMap<>();
        for (RevokedCertificate entry : store.revocations(issuer)) {
            fresh.put(entry.serialNumber(), entry.revocation());
        }
        boolean changed = !fresh.equals(revoked);
        if (changed) {
            revoked = new ConcurrentHashMap<>(fresh);
        }
        return changed;
    }

    /** A revocation this node just committed to the store. */
    public void add(BigInteger serialNumber, Revocation revocation) {
        revoked.put(serialNumber, revocation);
    }

    /**
     * A delivery hold this node just lifted in the store ({@code CertificateStore#release}); any
     * other revocation of the serial stays.
     */
    public void release(BigInteger serialNumber) {
        revoked.computeIfPresent(serialNumber, (serial, revocation) -> revocation.isDeliveryHold() ? null : revocation);
    }

    public Optional<Revocation> find(BigInteger serialNumber) {
        return Optional.ofNullable(revoked.get(serialNumber));
    }

    public Map<BigInteger, Revocation> all() {
        return Map.copyOf(revoked);
    }
}
