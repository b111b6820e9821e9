package dev.scepter.authority.validity;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether this node reaches its store, as its own reads found. OCSP answers from memory (the
 * revocation and serial indexes), which is only as current as the last refresh that reached the
 * store: while the store cannot be read, a revocation made on another node cannot reach this
 * one, so no answer from memory can be vouched for, and OCSP says tryLater (RFC 6960 section
 * 2.3) on every path, cached answers included. Any failed read marks the store unreachable; only
 * a complete refresh of the indexes marks it reachable again, so recovery needs no restart.
 */
public final class StoreHealth {

    private final Clock clock;
    private volatile Instant unreachableSince;

    public StoreHealth(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A read failed because the store could not be reached. */
    public void unreachable() {
        if (unreachableSince == null) {
            unreachableSince = clock.instant();
        }
    }

    /** Every index was refreshed from the store. */
    public void refreshed() {
        unreachableSince = null;
    }

    public boolean reachable() {
        return unreachableSince == null;
    }

    /** Since when the store is unreachable; empty while it is reachable. */
    public Optional<Instant> unreachableSince() {
        return Optional.ofNullable(unreachableSince);
    }
}
