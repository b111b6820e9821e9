package dev.scepter.authority.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A search of recorded certificates, as SCEPman's management API takes it.
 *
 * @param text              matched, case-insensitively, against serial, subject, SANs and requester
 * @param validity          which certificates by their state at {@code now}
 * @param now               the time "active" and "expired" are judged at
 * @param pageSize          at most this many (1 to 1000)
 * @param continuationToken where the previous page stopped, opaque to the caller
 * @param excludedEndpoints certificates recorded under these {@link IssuedCertificate#endpoint()}s are left out (the OCSP
 *                          responder's own, which are no device's)
 */
public record SearchQuery(Optional<String> text, Validity validity, Instant now, int pageSize, Optional<String> continuationToken,
        Set<String> excludedEndpoints) {

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
    }

    /** A search over every endpoint's certificates. */
    public SearchQuery(Optional<String> text, Validity validity, Instant now, int pageSize, Optional<String> continuationToken) {
        this(text, validity, now, pageSize, continuationToken, Set.of());
    }
}
