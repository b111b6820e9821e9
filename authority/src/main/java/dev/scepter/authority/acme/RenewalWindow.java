package dev.scepter.authority.acme;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * When a certificate should be renewed, as ACME Renewal Information tells clients (RFC 9773
 * section 4.2): a window in which a client picks a moment at random, so that renewals spread out.
 *
 * @param start the earliest moment to renew
 * @param end   the moment by which to have renewed
 */
public record RenewalWindow(Instant start, Instant end) {

    public RenewalWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("the window ends after it starts");
        }
    }

    /**
     * The window for a certificate valid from {@code notBefore} to {@code notAfter}: the first half
     * of the last third of its lifetime, so that a renewal at the window's end still leaves a sixth
     * of it (for a 90-day certificate: days 60 to 75). A revoked certificate's window is already
     * past (the minute before its revocation), which RFC 9773 section 4.2 asks clients to take as
     * "renew now".
     */
    public static RenewalWindow suggested(Instant notBefore, Instant notAfter, Optional<Instant> revokedAt) {
        if (revokedAt.isPresent()) {
            Instant revoked = revokedAt.get().truncatedTo(ChronoUnit.SECONDS);
            return new RenewalWindow(revoked.minusSeconds(60), revoked);
        }
        Duration lifetime = Duration.between(notBefore, notAfter);
        Instant start = notBefore.plus(lifetime.multipliedBy(2).dividedBy(3)).truncatedTo(ChronoUnit.SECONDS);
        Instant end = notBefore.plus(lifetime.multipliedBy(5).dividedBy(6)).truncatedTo(ChronoUnit.SECONDS);
        return new RenewalWindow(start, end.isAfter(start) ? end : start.plusSeconds(1));
    }
}
