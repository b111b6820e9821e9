package dev.scepter.server.validity;

import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.server.crl.CrlService;
import dev.scepter.server.ocsp.OcspResponder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node's in-memory indexes current with the store it shares with other nodes, every
 * {@code AppConfig:Store:RevocationRefreshSeconds}: manual revocations made elsewhere, and
 * certificates issued elsewhere. It is also what tells {@link StoreHealth} that the store answers
 * again after an outage: while the store is unreachable it tries every {@link #WHILE_UNREACHABLE},
 * so OCSP and SCEP serve again within about a second of the store's return, without a restart.
 */
public final class IndexRefresher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IndexRefresher.class.getName());
    static final Duration WHILE_UNREACHABLE = Duration.ofSeconds(1);

    private final RevocationIndex revocations;
    private final IssuedSerialIndex issued;
    private final CrlService crls;
    private final OcspResponder responder;
    private final StoreHealth health;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "scepter-index-refresh");
        thread.setDaemon(true);
        return thread;
    });
    private Duration every;
    private long lastRefreshNanos;

    public IndexRefresher(RevocationIndex revocations, IssuedSerialIndex issued, CrlService crls, OcspResponder responder,
            StoreHealth health) {
        this.revocations = revocations;
        this.issued = issued;
        this.crls = crls;
        this.responder = responder;
        this.health = health;
    }

    /** Loads both indexes now, then keeps them current. */
    public void start(Duration every) {
        this.every = every;
        revocations.refresh();
        issued.refresh();
        health.refreshed();
        lastRefreshNanos = System.nanoTime();
        // A tick of at most a second: a read on a device path may find the store unreachable at any time.
        long tick = Math.min(every.toMillis(), WHILE_UNREACHABLE.toMillis());
        try {
            scheduler.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // Shutting down.
        }
    }

    private void tick() {
        if (!health.reachable() || System.nanoTime() - lastRefreshNanos >= every.toNanos()) {
            lastRefreshNanos = System.nanoTime();
            refresh();
        }
    }

    void refresh() {
        try {
            if (revocations.refresh()) {
                crls.revocationsChanged();
                responder.forgetCachedResponses();
            }
            issued.refresh();
            if (!health.reachable()) {
                LOG.log(System.Logger.Level.INFO, "The store answers again (unreachable since {0}): OCSP and SCEP serve as before",
                        health.unreachableSince().map(Object::toString).orElse("-"));
            }
            health.refreshed();
        } catch (RuntimeException e) {
            // The indexes keep what they had; until a refresh succeeds, OCSP says tryLater and SCEP 503.
            if (health.reachable()) {
                LOG.log(System.Logger.Level.WARNING, "Could not refresh revocations and serials from the store, OCSP answers tryLater and "
                        + "SCEP 503 until it answers: " + e.getMessage());
            }
            health.unreachable();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
