package dev.scepter.authority.inventory;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import java.time.Clock;
import java.util.Objects;

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
        SearchPage page = store.search(issuer, query);
        audit.append(new AuditEvent(clock.instant(), actor, "certificate.search", query.text().orElse(""), "success"));
        return page;
    }
}
