package dev.scepter.server.validity;

import dev.scepter.authority.validity.IssuedSerialIndex;
import dev.scepter.authority.validity.RevocationIndex;
import dev.scepter.server.crl.CrlService;
import dev.scepter.server.ocsp.OcspResponder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node's in-memory indexes current with the store it shares with other nodes, every
 * {@code AppConfig:Store:RevocationRefreshSeconds}: manual revocations made elsewhere, and
 * certificates issued elsewhere.
 */
public final class IndexRefresher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IndexRefresher.class.getName());

    private final RevocationIndex revocations;
    private final IssuedSerialIndex issued;
    private final CrlService crls;
    private final OcspResponder responder;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "scepter-index-refresh");
        thread.setDaemon(true);
        return thread;
    });

    public IndexRefresher(RevocationIndex revocations, IssuedSerialIndex issued, CrlService crls, OcspResponder responder) {
        this.revocations = revocations;
        this.issued = issued;
        this.crls = crls;
        this.responder = responder;
    }

    /** Loads both indexes now, then keeps them current. */
    public void start(Duration every) {
        revocations.refresh();
        issued.refresh();
        scheduler.scheduleWithFixedDelay(this::refresh, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            if (revocations.refresh()) {
                crls.revocationsChanged();
                responder.forgetCachedResponses();
            }
            issued.refresh();
        } catch (RuntimeException e) {
            // The store may be down for a moment; the indexes keep what they had, and the probe says so.
            LOG.log(System.Logger.Level.WARNING, "Could not refresh revocations from the store: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
