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
    /** How many text hits an unbound certificate's history reads at most to find its exact subject. */
    public static final int HISTORY_SCANNED = 5_000;

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
     * The store finds an unbound subject only as text (part of subjects, SANs and requesters:
     * "CN=web" also finds "CN=web2"), so those hits are read page by page, the exact ones kept,
     * until {@link #HISTORY_LIMIT} are found, the store has no more, or {@link #HISTORY_SCANNED}
     * hits were read (then the history says it is incomplete).
     */
    public CertificateHistory history(IssuedCertificate certificate, Set<String> excludedEndpoints) {
        Instant now = clock.instant();
        if (certificate.binding().isPresent()) {
            SearchQuery query = new SearchQuery(Optional.empty(), SearchQuery.Validity.ANY, now, HISTORY_LIMIT, Optional.empty(), excludedEndpoints,
                    new SearchQuery.Filters(Set.of(), Set.of(), Optional.empty(), Optional.of(certificate.binding().get().objectId()), false));
            SearchPage page = store.search(issuer, query);
            return CertificateHistory.of(page.items(), page.continuationToken().isEmpty(), now);
        }
        List<IssuedCertificate> same = new java.util.ArrayList<>();
        Optional<String> next = Optional.empty();
        int scanned = 0;
        boolean complete;
        do {
            SearchQuery query = new SearchQuery(Optional.of(certificate.subject()), SearchQuery.Validity.ANY, now, HISTORY_LIMIT, next,
                    excludedEndpoints, new SearchQuery.Filters(Set.of(certificate.endpoint()), Set.of(), Optional.empty(), Optional.empty(),
                            false));
            SearchPage page = store.search(issuer, query);
            scanned += page.items().size();
            for (IssuedCertificate other : page.items()) {
                if (other.binding().isEmpty() && other.subject().equals(certificate.subject()) && same.size() < HISTORY_LIMIT) {
                    same.add(other);
                }
            }
            next = page.continuationToken();
            complete = next.isEmpty();
        } while (!complete && same.size() < HISTORY_LIMIT && scanned < HISTORY_SCANNED);
        return CertificateHistory.of(same, complete, now);
    }

    /**
     * How many of this CA's certificates match the query, by endpoint: for the expiry gauges,
     * which a scheduler asks, so not audited.
     */
    public Map<String, Long> countByEndpoint(SearchQuery query) {
        return store.countMatchingByEndpoint(issuer, query);
    }
}
