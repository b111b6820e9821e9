package dev.scepter.protocol.ocsp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer about one certificate: a SingleResponse (RFC 6960 section 4.2.1). {@code
 * thisUpdate} is when the status was known to be correct; {@code nextUpdate}, when present,
 * when newer information will be available, which RFC 5019 section 2.2.4 requires for a
 * cacheable answer. Both are sent to the second.
 *
 * @param id the CertID exactly as the request carried it
 */
public record SingleAnswer(CertificateId id, CertStatus status, Instant thisUpdate, Optional<Instant> nextUpdate) {

    public SingleAnswer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(thisUpdate, "thisUpdate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        nextUpdate.ifPresent(next -> {
            if (next.isBefore(thisUpdate)) {
                throw new IllegalArgumentException("nextUpdate " + next + " is before thisUpdate " + thisUpdate);
            }
        });
    }
}
