package dev.scepter.server.intune;

import dev.scepter.azure.intune.IntuneRevocationPoller;
import dev.scepter.azure.intune.IntuneUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls Intune for revocation requests every {@code AppConfig:IntuneValidation:RevocationPollSeconds}
 * on one daemon thread, from start-up until the context closes. A failed poll is logged in one
 * line and the next one tries again; a poll never overlaps the previous one.
 */
public final class IntuneRevocationSchedule implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IntuneRevocationSchedule.class.getName());

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "intune-revocation-poll");
        thread.setDaemon(true);
        return thread;
    });
    private final Optional<IntuneRevocationPoller> poller;

    /** @param poller empty when nothing is polled (not signed in, or {@code RevocationPollSeconds=0}) */
    public IntuneRevocationSchedule(Optional<IntuneRevocationPoller> poller) {
        this.poller = Objects.requireNonNull(poller, "poller");
    }

    /** Polls first after {@code firstAfter}, then {@code every} after each poll ends; nothing when there is no poller. */
    public void start(Duration firstAfter, Duration every) {
        if (poller.isPresent()) {
            executor.scheduleWithFixedDelay(this::pollOnce, firstAfter.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Whether Intune's revocation requests are polled, for the homepage. */
    public boolean polling() {
        return poller.isPresent();
    }

    void pollOnce() {
        try {
            poller.orElseThrow().pollOnce();
        } catch (IntuneUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not poll Intune for revocation requests: {0}", e.getMessage());
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and carry on.
            LOG.log(System.Logger.Level.ERROR, "Polling Intune for revocation requests failed: {0}", e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
