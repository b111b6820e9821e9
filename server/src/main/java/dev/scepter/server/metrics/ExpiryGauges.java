package dev.scepter.server.metrics;

import dev.scepter.authority.inventory.CertificateInventory;
import dev.scepter.authority.store.SearchQuery;
import dev.scepter.authority.validity.DelegatedResponder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The expiry gauges on {@code /metrics}: {@code scepter_certificates_expiring{endpoint, within}},
 * the active certificates that expire within 7 and 30 days and have no successor (Certificate
 * Master's expiry page, counted), by endpoint. A scrape reads what the last refresh counted: the
 * counts come from one grouped query per window (the store's {@code countMatchingByEndpoint},
 * indexed by expiry), run every {@link #DEFAULT_REFRESH} on a thread of its own, never per scrape.
 * {@code scepter_certificates_expiring_refreshed_seconds} is when they were last counted (Unix
 * time), so an alert can tell stale counts from none.
 */
public final class ExpiryGauges implements AutoCloseable {

    public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);
    static final Map<String, Duration> WINDOWS = Map.of("7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    private static final System.Logger LOG = System.getLogger(ExpiryGauges.class.getName());

    private final CertificateInventory inventory;
    private final Clock clock;
    private final MultiGauge expiring;
    private final AtomicLong refreshedAt = new AtomicLong();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "scepter-expiry-gauges");
        thread.setDaemon(true);
        return thread;
    });

    public ExpiryGauges(CertificateInventory inventory, MeterRegistry registry, Clock clock) {
        this.inventory = inventory;
        this.clock = clock;
        this.expiring = MultiGauge.builder("scepter.certificates.expiring")
                .description("Active certificates that expire within the window and have no successor, by endpoint")
                .register(registry);
        Gauge.builder("scepter.certificates.expiring.refreshed", refreshedAt, AtomicLong::get)
                .description("When the expiring-certificate counts were last computed (Unix time, seconds)")
                .baseUnit("seconds").register(registry);
    }

    /** Counts now (in the background), then every {@code every}. */
    public void start(Duration every) {
        try {
            scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // Shutting down.
        }
    }

    /** Counts the certificates of every window and replaces the gauges' rows. */
    public void refresh() {
        Instant now = clock.instant();
        List<MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
        for (Map.Entry<String, Duration> window : WINDOWS.entrySet()) {
            SearchQuery query = new SearchQuery(Optional.empty(), SearchQuery.Validity.ACTIVE, now, 1, Optional.empty(),
                    Set.of(DelegatedResponder.ENDPOINT), new SearchQuery.Filters(Set.of(), Set.of(),
                            Optional.of(now.plus(window.getValue())), Optional.empty(), true));
            for (Map.Entry<String, Long> count : inventory.countByEndpoint(query).entrySet()) {
                rows.add(MultiGauge.Row.of(Tags.of("endpoint", count.getKey(), "within", window.getKey()), count.getValue()));
            }
        }
        expiring.register(rows, true);
        refreshedAt.set(now.getEpochSecond());
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The store may be down for a while: the gauges keep their last counts, and the refresh time says how old they are.
            LOG.log(System.Logger.Level.WARNING, "Could not count the expiring certificates for /metrics: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
