package dev.scepter.authority.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A search of recorded certificates, as SCEPman's management API takes it.
 *
 * @param text              matched, case-insensitively, against serial, subject, SANs, requester, the bound object's GUID and the SHA-1 thumbprint
 * @param validity          which certificates by their state at {@code now}
 * @param now               the time "active" and "expired" are judged at
 * @param pageSize          at most this many (1 to 1000)
 * @param continuationToken where the previous page stopped, opaque to the caller
 * @param excludedEndpoints certificates recorded under these {@link IssuedCertificate#endpoint()}s are left out (the OCSP
 *                          responder's own, which are no device's)
 * @param filters           the narrower filters beyond SCEPman's (endpoint, kind, expiry, bound object, successor)
 */
public record SearchQuery(Optional<String> text, Validity validity, Instant now, int pageSize, Optional<String> continuationToken,
        Set<String> excludedEndpoints, Filters filters) {

    /**
     * Filters beyond text and validity; each narrows the result, an empty one not at all.
     *
     * @param endpoints        only certificates recorded under one of these endpoints (all when empty)
     * @param kinds            only certificates of one of these kinds (all when empty)
     * @param expiresBefore    only certificates whose {@code notAfter} is before this instant
     * @param boundObject      only certificates bound to the directory object with this GUID
     * @param withoutSuccessor only certificates without a successor: no unrevoked certificate of the
     *                         same issuer that expires later and is for the same object (the same
     *                         bound object; for an unbound one, the same subject from the same endpoint)
     */
    public record Filters(Set<String> endpoints, Set<CertificateKind> kinds, Optional<Instant> expiresBefore, Optional<UUID> boundObject,
            boolean withoutSuccessor) {

        public static final Filters NONE = new Filters(Set.of(), Set.of(), Optional.empty(), Optional.empty(), false);

        public Filters {
            endpoints = Set.copyOf(endpoints);
            kinds = Set.copyOf(kinds);
            Objects.requireNonNull(expiresBefore, "expiresBefore");
            Objects.requireNonNull(boundObject, "boundObject");
        }

        /** Whether a certificate passes the filters other than {@code withoutSuccessor}, which needs the others. */
        public boolean matches(IssuedCertificate certificate) {
            return (endpoints.isEmpty() || endpoints.contains(certificate.endpoint()))
                    && (kinds.isEmpty() || kinds.contains(CertificateKind.of(certificate)))
                    && expiresBefore.map(certificate.notAfter()::isBefore).orElse(true)
                    && boundObject.map(id -> certificate.binding().map(b -> b.objectId().equals(id)).orElse(false)).orElse(true);
        }

        /** Whether {@code later} is a successor of {@code certificate} in {@code withoutSuccessor}'s sense. */
        public static boolean succeeds(IssuedCertificate later, IssuedCertificate certificate) {
            if (later.revocation().isPresent() || !later.notAfter().isAfter(certificate.notAfter())
                    || !later.issuer().equals(certificate.issuer())) {
                return false;
            }
            if (certificate.binding().isPresent()) {
                return later.binding().map(b -> b.objectId().equals(certificate.binding().get().objectId())).orElse(false);
            }
            return later.binding().isEmpty() && later.subject().equals(certificate.subject()) && later.endpoint().equals(certificate.endpoint());
        }
    }

    /** SCEPman's {@code certValidity}. */
    public enum Validity { ANY, ACTIVE, EXPIRED, REVOKED }

    public SearchQuery {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(now, "now");
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("pageSize must be from 1 to 1000");
        }
        Objects.requireNonNull(continuationToken, "continuationToken");
        excludedEndpoints = Set.copyOf(excludedEndpoints);
        Objects.requireNonNull(filters, "filters");
    }

    /** A search that leaves out some endpoints' certificates, with no further filter. */
    public SearchQuery(Optional<String> text, Validity validity, Instant now, int pageSize, Optional<String> continuationToken,
            Set<String> excludedEndpoints) {
        this(text, validity, now, pageSize, continuationToken, excludedEndpoints, Filters.NONE);
    }

    /** This query with these filters. */
    public SearchQuery withFilters(Filters other) {
        return new SearchQuery(text, validity, now, pageSize, continuationToken, excludedEndpoints, other);
    }

    /** This query from another page on. */
    public SearchQuery withContinuationToken(Optional<String> token) {
        return new SearchQuery(text, validity, now, pageSize, token, excludedEndpoints, filters);
    }

    /** A search over every endpoint's certificates. */
    public SearchQuery(Optional<String> text, Validity validity, Instant now, int pageSize, Optional<String> continuationToken) {
        this(text, validity, now, pageSize, continuationToken, Set.of());
    }
}
