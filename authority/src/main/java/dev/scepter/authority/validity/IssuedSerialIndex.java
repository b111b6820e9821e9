package dev.scepter.authority.validity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scepter.authority.store.CertificateStore;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The serial numbers one issuer issued, in memory: loaded at start and kept current (every
 * {@code AppConfig:Store:RevocationRefreshSeconds}), so that OCSP tells "unknown" from "issued"
 * without a database read.
 *
 * <p>A serial not in memory may be a certificate another node issued since the last refresh, so
 * a miss reads the store for it, and a "not issued" is then believed for {@code negativeTtl}
 * (a bounded cache that evicts, not one cleared when full). Anyone can ask about any serial, so
 * those reads are bounded, not owed: at most {@value #MISS_READS_PER_SECOND} a second and
 * {@value #MISS_READS_AT_ONCE} at once per node, and none for {@link #AFTER_FAILURE} after one
 * failed. A miss beyond the bound is not answered "unknown" (it might be a certificate issued a
 * moment ago on another node) but {@link StatusUnavailableException}: OCSP says tryLater, which
 * costs the asker a retry and the store nothing. Reading one serial by its key is cheap and
 * exact; the alternatives were worse here: coalescing identical misses does nothing against
 * random serials, and answering from memory alone would call a certificate issued on another
 * node "unknown" until the next refresh, an answer relying parties cache.
 */
public final class IssuedSerialIndex {

    /** Rows committed late (a transaction open across a refresh) are still caught by re-reading this far back. */
    private static final Duration OVERLAP = Duration.ofMinutes(2);
    /** Bounds the memory that requests for serials we never issued can take. */
    static final int MAX_NEGATIVE_ENTRIES = 100_000;
    /** Store reads for serials not in memory, per second (a burst of as many is allowed). */
    static final int MISS_READS_PER_SECOND = 20;
    /** Store reads for serials not in memory at once: a slow store holds at most this many request threads. */
    static final int MISS_READS_AT_ONCE = 2;
    /** After a read failed, misses are not sent to the store for this long: they fail at once. */
    static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final CertificateStore store;
    private final String issuer;
    private final Clock clock;
    private final StoreHealth health;
    /** 20 bytes a serial ({@link SerialSet}): a million certificates take about 20 MB, where a hash set of BigIntegers took 100 to 120. */
    private final SerialSet issued = new SerialSet();
    private final Cache<BigInteger, Boolean> notIssued;
    private final Semaphore readsAtOnce = new Semaphore(MISS_READS_AT_ONCE);
    private final Object budgetLock = new Object();
    private double budget = MISS_READS_PER_SECOND;
    private long budgetAt;
    private volatile Instant failedAt = Instant.MIN;
    private volatile Instant lastRefresh = Instant.MIN;

    /** @param negativeTtl how long "not issued" is believed before the store is asked again */
    public IssuedSerialIndex(CertificateStore store, String issuer, Clock clock, Duration negativeTtl) {
        this(store, issuer, clock, negativeTtl, new StoreHealth(clock));
    }

    /** @param health told when a read finds the store unreachable */
    public IssuedSerialIndex(CertificateStore store, String issuer, Clock clock, Duration negativeTtl, StoreHealth health) {
        this.store = Objects.requireNonNull(store, "store");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.health = Objects.requireNonNull(health, "health");
        Objects.requireNonNull(negativeTtl, "negativeTtl");
        this.notIssued = Caffeine.newBuilder()
                .maximumSize(negativeTtl.isZero() ? 0 : MAX_NEGATIVE_ENTRIES)
                .expireAfterWrite(negativeTtl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
        this.budgetAt = clock.millis();
    }

    /** Adds what the store recorded since the last refresh (everything, the first time). */
    public void refresh() {
        Instant startedAt = clock.instant();
        Instant since = lastRefresh.equals(Instant.MIN) ? Instant.MIN : lastRefresh.minus(OVERLAP);
        java.util.List<BigInteger> batch = new java.util.ArrayList<>(BATCH);
        store.forEachSerialRecordedSince(issuer, since, serial -> {
            batch.add(serial);
            if (batch.size() == BATCH) {
                addBatch(batch);
            }
        });
        addBatch(batch);
        lastRefresh = startedAt;
    }

    /**
     * Serials the store hands at start go into the set this many at a time, one merge each: a
     * million is about 16 merges, and at most this many BigIntegers stand in memory besides the
     * set's 20 bytes a serial (a list of all of them took about 100 MB).
     */
    static final int BATCH = 65_536;

    private void addBatch(java.util.List<BigInteger> batch) {
        if (batch.isEmpty()) {
            return;
        }
        issued.addAll(batch);
        for (BigInteger serial : batch) {
            notIssued.invalidate(serial);
        }
        batch.clear();
    }

    /** A certificate this node just recorded. */
    public void add(BigInteger serialNumber) {
        issued.add(serialNumber);
        notIssued.invalidate(serialNumber);
    }

    /**
     * Whether this issuer issued the serial.
     *
     * @throws StatusUnavailableException when the serial is not in memory and the store cannot
     *                                    be asked now (unreachable, or the bound on misses is reached)
     */
    public boolean contains(BigInteger serialNumber) {
        if (issued.contains(serialNumber)) {
            return true;
        }
        if (notIssued.getIfPresent(serialNumber) != null) {
            return false;
        }
        Instant now = clock.instant();
        if (now.isBefore(failedAt.plus(AFTER_FAILURE))) {
            throw new StatusUnavailableException("the store failed " + Duration.between(failedAt, now).toMillis() + " ms ago", null);
        }
        if (!takeFromBudget()) {
            throw new StatusUnavailableException("more than " + MISS_READS_PER_SECOND + " unknown serials a second", null);
        }
        if (!readsAtOnce.tryAcquire()) {
            throw new StatusUnavailableException("already " + MISS_READS_AT_ONCE + " reads of unknown serials in progress", null);
        }
        try {
            if (store.find(issuer, serialNumber).isPresent()) {
                add(serialNumber);
                return true;
            }
        } catch (RuntimeException e) {
            failedAt = now;
            health.unreachable();
            throw new StatusUnavailableException("the store cannot be read", e);
        } finally {
            readsAtOnce.release();
        }
        notIssued.put(serialNumber, Boolean.TRUE);
        return false;
    }

    /** A token bucket: {@value #MISS_READS_PER_SECOND} a second, as many at most in store. */
    private boolean takeFromBudget() {
        synchronized (budgetLock) {
            long now = clock.millis();
            budget = Math.min(MISS_READS_PER_SECOND, budget + Math.max(0, now - budgetAt) * MISS_READS_PER_SECOND / 1000.0);
            budgetAt = now;
            if (budget < 1) {
                return false;
            }
            budget -= 1;
            return true;
        }
    }

    public int size() {
        return issued.size();
    }

    /** Bytes of the index's sorted arrays, and serials not in them yet (for the test of its size). */
    long sortedBytes() {
        return issued.sortedBytes();
    }

    int unmerged() {
        return issued.unmerged();
    }

    /** Serials believed not issued, now (after eviction). */
    long negativeEntries() {
        notIssued.cleanUp();
        return notIssued.estimatedSize();
    }
}
