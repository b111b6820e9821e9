package dev.scepter.authority;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.RevokedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import dev.scepter.authority.store.SerialNumberCollisionException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store in memory for unit tests of the authority's rules; the real adapters pass the
 * store-jdbc contract suite. It counts reads, so tests can show what is served without one.
 */
public final class InMemoryCertificateStore implements CertificateStore {

    private final Map<BigInteger, IssuedCertificate> records = new ConcurrentHashMap<>();
    private final Map<BigInteger, Instant> recordedAt = new ConcurrentHashMap<>();
    public final AtomicInteger finds = new AtomicInteger();
    public int collisionsToRaise;
    public Instant now = Instant.now();
    /** While set, every read by serial counts and fails with it (a store outage). */
    public volatile RuntimeException failReadsWith;
    /** While set, every revocation and release fails with it (a store that went away after recording). */
    public volatile RuntimeException failRevocationsWith;

    /** While set, every write of a certificate fails with it, before it is kept (a store outage). */
    public volatile RuntimeException failRecordsWith;
    /** While set, every write of a certificate is kept and then fails with it (a commit whose answer was lost). */
    public volatile RuntimeException failAfterRecordingWith;

    /**
     * While set, {@link #recordWithAudit} appends the event to this trail with the certificate, as
     * a database that keeps both does (in one transaction): nothing of it when the record fails.
     */
    public volatile InMemoryAuditLog sharedTrail;
    /**
     * While set with {@link #sharedTrail}, the trail's table refuses the line (a subject longer than
     * its column): the certificate is kept alone and {@link #recordWithAudit} answers false.
     */
    public volatile boolean refuseAuditLines;

    @Override
    public synchronized boolean recordWithAudit(IssuedCertificate certificate, AuditEvent issuance, AuditLog trail) {
        if (sharedTrail == null || trail != sharedTrail || refuseAuditLines) {
            record(certificate);
            return false;
        }
        try {
            record(certificate);
        } finally {
            // A commit whose answer was lost (failAfterRecordingWith) committed both.
            if (records.containsKey(certificate.serialNumber()) && records.get(certificate.serialNumber()) == certificate) {
                sharedTrail.append(issuance);
            }
        }
        return true;
    }

    @Override
    public synchronized void record(IssuedCertificate certificate) {
        if (collisionsToRaise > 0) {
            collisionsToRaise--;
            throw new SerialNumberCollisionException(certificate.serialNumber(), null);
        }
        if (failRecordsWith != null) {
            throw failRecordsWith;
        }
        records.put(certificate.serialNumber(), certificate);
        recordedAt.put(certificate.serialNumber(), now);
        if (failAfterRecordingWith != null) {
            throw failAfterRecordingWith;
        }
    }

    public List<IssuedCertificate> recorded() {
        return new ArrayList<>(records.values());
    }

    @Override
    public Optional<IssuedCertificate> find(String issuer, BigInteger serialNumber) {
        finds.incrementAndGet();
        if (failReadsWith != null) {
            throw failReadsWith;
        }
        return Optional.ofNullable(records.get(serialNumber)).filter(c -> c.issuer().equals(issuer));
    }

    @Override
    public List<IssuedCertificate> findByTransactionId(String issuer, String transactionId) {
        return records.values().stream()
                .filter(c -> c.issuer().equals(issuer) && c.transactionId().filter(transactionId::equals).isPresent()).toList();
    }

    @Override
    public long count() {
        return records.size();
    }

    @Override
    public long countByEndpoint(String endpoint) {
        return records.values().stream().filter(c -> c.endpoint().equals(endpoint)).count();
    }

    @Override
    public synchronized RevocationOutcome revoke(String issuer, BigInteger serialNumber, Revocation revocation) {
        if (failRevocationsWith != null) {
            throw failRevocationsWith;
        }
        IssuedCertificate record = records.get(serialNumber);
        if (record == null || !record.issuer().equals(issuer)) {
            return RevocationOutcome.NOT_FOUND;
        }
        if (record.revocation().filter(r -> !r.isDeliveryHold()).isPresent()) {
            return RevocationOutcome.ALREADY_REVOKED;
        }
        records.put(serialNumber, record.withRevocation(Optional.of(revocation)));
        return RevocationOutcome.REVOKED;
    }

    @Override
    public synchronized boolean release(String issuer, BigInteger serialNumber) {
        if (failRevocationsWith != null) {
            throw failRevocationsWith;
        }
        IssuedCertificate record = records.get(serialNumber);
        if (record == null || !record.issuer().equals(issuer) || record.revocation().filter(Revocation::isDeliveryHold).isEmpty()) {
            return false;
        }
        records.put(serialNumber, record.withRevocation(Optional.empty()));
        return true;
    }

    @Override
    public List<RevokedCertificate> revocations(String issuer) {
        return records.values().stream().filter(c -> c.issuer().equals(issuer) && c.revocation().isPresent())
                .map(c -> new RevokedCertificate(c.serialNumber(), c.revocation().get())).toList();
    }

    @Override
    public void forEachSerialRecordedSince(String issuer, Instant since, java.util.function.Consumer<BigInteger> visitor) {
        records.values().stream().filter(c -> c.issuer().equals(issuer) && !recordedAt.get(c.serialNumber()).isBefore(since))
                .map(IssuedCertificate::serialNumber).toList().forEach(visitor);
    }

    /**
     * Only as much search as the authority's unit tests need: the issuer's certificates whose
     * subject holds the text, one page, no validity filter; it gives out no continuation token,
     * so it refuses every one (paging is the contract suite's to test, on the real adapters).
     */
    @Override
    public SearchPage search(String issuer, SearchQuery query) {
        if (query.continuationToken().isPresent()) {
            throw new IllegalArgumentException("not a continuation token of this store");
        }
        List<IssuedCertificate> matches = records.values().stream()
                .filter(c -> c.issuer().equals(issuer))
                .filter(c -> query.text().map(t -> c.subject().toLowerCase().contains(t.toLowerCase())).orElse(true))
                .filter(c -> !query.excludedEndpoints().contains(c.endpoint()))
                .filter(c -> query.filters().matches(c))
                .limit(query.pageSize())
                .toList();
        return new SearchPage(matches, Optional.empty());
    }

    /** The same subset of the search's rules, counted by endpoint. */
    @Override
    public java.util.Map<String, Long> countMatchingByEndpoint(String issuer, SearchQuery query) {
        return records.values().stream()
                .filter(c -> c.issuer().equals(issuer))
                .filter(c -> !query.excludedEndpoints().contains(c.endpoint()))
                .filter(c -> query.filters().matches(c))
                .collect(java.util.stream.Collectors.groupingBy(IssuedCertificate::endpoint, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
    }
}
