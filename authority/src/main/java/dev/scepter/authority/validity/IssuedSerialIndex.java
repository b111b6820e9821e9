package dev.scepter.authority.validity;

import dev.scepter.authority.store.CertificateStore;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The serial numbers one issuer issued, in memory: loaded at start and kept current, so that
 * OCSP can tell "unknown" from "issued" without a database read. A miss reads the store once and
 * the answer is cached (a certificate issued on another node since the last refresh is found
 * that way).
 */
public final class IssuedSerialIndex {

    /** Rows committed late (a transaction open across a refresh) are still caught by re-reading this far back. */
    private static final Duration OVERLAP = Duration.ofMinutes(2);
    /** Bounds the memory a flood of requests for random serials can take. */
    private static final int MAX_NEGATIVE_ENTRIES = 100_000;

    private final CertificateStore store;
    private final String issuer;
    private final Clock clock;
    private final Duration negativeTtl;
    private final Set<BigInteger> issued = ConcurrentHashMap.newKeySet();
    private final Map<BigInteger, Instant> notIssued = new ConcurrentHashMap<>();
    private volatile Instant lastRefresh = Instant.MIN;

    /** @param negativeTtl how long "not issued" is believed before the store is asked again */
    public IssuedSerialIndex(CertificateStore store, String issuer, Clock clock, Duration negativeTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.negativeTtl = Objects.requireNonNull(negativeTtl, "negativeTtl");
    }

    /** Adds what the store recorded since the last refresh (everything, the first time). */
    public void refresh() {
        Instant startedAt = clock.instant();
        Instant since = lastRefresh.equals(Instant.MIN) ? Instant.MIN : lastRefresh.minus(OVERLAP);
        for (BigInteger serial : store.serialNumbersRecordedSince(issuer, since)) {
            issued.add(serial);
            notIssued.remove(serial);
        }
        lastRefresh = startedAt;
    }

    /** A certificate this node just recorded. */
    public void add(BigInteger serialNumber) {
        issued.add(serialNumber);
        notIssued.remove(serialNumber);
    }

    public boolean contains(BigInteger serialNumber) {
        if (issued.contains(serialNumber)) {
            return true;
        }
        Instant now = clock.instant();
        Instant until = notIssued.get(serialNumber);
        if (until != null && now.isBefore(until)) {
            return false;
        }
        if (store.find(issuer, serialNumber).isPresent()) {
            add(serialNumber);
            return true;
        }
        if (notIssued.size() >= MAX_NEGATIVE_ENTRIES) {
            notIssued.clear();
        }
        notIssued.put(serialNumber, now.plus(negativeTtl));
        return false;
    }

    public int size() {
        return issued.size();
    }
}
