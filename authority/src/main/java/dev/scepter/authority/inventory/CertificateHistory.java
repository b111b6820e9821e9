package dev.scepter.authority.inventory;

import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.SearchQuery;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every certificate issued for one device, user or (unbound) subject, oldest first: which one
 * replaced which, and which renewal did not happen. A certificate's replacement is the first one
 * issued after it that {@linkplain SearchQuery.Filters#succeeds succeeds} it (the same rule as
 * the expiry page's "no successor").
 *
 * @param entries the certificates, by the start of their validity
 * @param complete false when the object has more certificates than one history shows
 */
public record CertificateHistory(List<Entry> entries, boolean complete) {

    /** A renewal is missed when a certificate without a replacement has expired or expires within this. */
    public static final Duration RENEWAL_WINDOW = Duration.ofDays(30);

    /**
     * One certificate of the history.
     *
     * @param replaces      the certificate this one replaced, if any
     * @param replacedBy    the certificate that replaced this one, if any
     * @param renewalMissed not revoked, not replaced, and expired or expiring within {@link #RENEWAL_WINDOW}
     */
    public record Entry(IssuedCertificate certificate, Optional<BigInteger> replaces, Optional<BigInteger> replacedBy,
            boolean renewalMissed) {
        public Entry {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(replaces, "replaces");
            Objects.requireNonNull(replacedBy, "replacedBy");
        }
    }

    public CertificateHistory {
        entries = List.copyOf(entries);
    }

    /** The history of these certificates (all for one object), judged at {@code now}. */
    public static CertificateHistory of(List<IssuedCertificate> certificates, boolean complete, Instant now) {
        List<IssuedCertificate> sorted = certificates.stream()
                .sorted(Comparator.comparing(IssuedCertificate::notBefore).thenComparing(IssuedCertificate::serialNumber)).toList();
        List<Optional<BigInteger>> replacedBy = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            IssuedCertificate certificate = sorted.get(i);
            Optional<BigInteger> next = Optional.empty();
            for (int j = i + 1; j < sorted.size() && next.isEmpty(); j++) {
                if (SearchQuery.Filters.succeeds(sorted.get(j), certificate)) {
                    next = Optional.of(sorted.get(j).serialNumber());
                }
            }
            replacedBy.add(next);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            IssuedCertificate certificate = sorted.get(i);
            Optional<BigInteger> replaces = Optional.empty();
            for (int j = i - 1; j >= 0 && replaces.isEmpty(); j--) {
                if (replacedBy.get(j).equals(Optional.of(certificate.serialNumber()))) {
                    replaces = Optional.of(sorted.get(j).serialNumber());
                }
            }
            boolean missed = replacedBy.get(i).isEmpty() && certificate.revocation().isEmpty()
                    && certificate.notAfter().isBefore(now.plus(RENEWAL_WINDOW));
            entries.add(new Entry(certificate, replaces, replacedBy.get(i), missed));
        }
        return new CertificateHistory(entries, complete);
    }
}
