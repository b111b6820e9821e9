package dev.scepter.authority.inventory;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import dev.scepter.authority.store.IssuedCertificate;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The certificates this CA issued, as admins search them: every search is audited, because
 * what a search returns (names, devices, users) is itself worth knowing who looked at.
 */
public final class CertificateInventory {

    private final CertificateStore store;
    private final String issuer;
    private final AuditLog audit;
    private final Clock clock;

    public CertificateInventory(CertificateStore store, String issuer, AuditLog audit, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One page of this CA's certificates that match the query, audited as {@code certificate.search}.
     *
     * @param actor who searches (the API token's name)
     * @throws IllegalArgumentException when the query's continuation token is not one the store
     *                                  gave out; nothing is audited then
     */
    public SearchPage search(String actor, SearchQuery query) {
        Objects.requireNonNull(actor, "actor");
        SearchPage page = store.search(issuer, query);
        audit.append(new AuditEvent(clock.instant(), actor, "certificate.search", query.text().orElse(""), "success"));
        return page;
    }

    /** The most certificates one history shows (SCEPman renews yearly: decades of a device's certificates). */
    public static final int HISTORY_LIMIT = 200;

    /** This CA's certificate with this serial, audited as {@code certificate.read} when found. */
    public Optional<IssuedCertificate> find(String actor, BigInteger serialNumber) {
        Optional<IssuedCertificate> found = store.find(issuer, serialNumber);
        found.ifPresent(certificate -> audit.append(new AuditEvent(clock.instant(), actor, "certificate.read", certificate.serialHex(),
                "success")));
        return found;
    }

    /**
     * Every certificate issued for what this one was issued for: its bound device or user, or
     * (unbound) the same subject from the same endpoint. At most {@link #HISTORY_LIMIT}, newest kept.
     */
    public CertificateHistory history(IssuedCertificate certificate, Set<String> excludedEndpoints) {
        Instant now = clock.instant();
        SearchQuery query;
        if (certificate.binding().isPresent()) {
            query = new SearchQuery(Optional.empty(), SearchQuery.Validity.ANY, now, HISTORY_LIMIT, Optional.empty(), excludedEndpoints,
                    new SearchQuery.Filters(Set.of(), Set.of(), Optional.empty(), Optional.of(certificate.binding().get().objectId()), false));
        } else {
            query = new SearchQuery(Optional.of(certificate.subject()), SearchQuery.Validity.ANY, now, HISTORY_LIMIT, Optional.empty(),
                    excludedEndpoints, new SearchQuery.Filters(Set.of(certificate.endpoint()), Set.of(), Optional.empty(), Optional.empty(),
                            false));
        }
        SearchPage page = store.search(issuer, query);
        List<IssuedCertificate> same = page.items().stream()
                .filter(other -> certificate.binding().isPresent()
                        || other.binding().isEmpty() && other.subject().equals(certificate.subject()))
                .toList();
        return CertificateHistory.of(same, page.continuationToken().isEmpty(), now);
    }

    /**
     * How many of this CA's certificates match the query, by endpoint: for the expiry gauges,
     * which a scheduler asks, so not audited.
     */
    public Map<String, Long> countByEndpoint(SearchQuery query) {
        return store.countMatchingByEndpoint(issuer, query);
    }
}
