package dev.scepter.server.load;

import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * A bulkhead: at most so many requests of one kind in progress at once. Beyond it a request is
 * shed at once (the caller answers "retry later" in its protocol's terms), never queued: a queue
 * that grows without bound holds worker threads that other kinds of request need.
 */
public final class ConcurrencyLimit {

    private final String setting;
    private final Semaphore permits;
    private final ShedLog shedLog;

    /** @param setting the setting that sets the limit, for the log */
    public ConcurrencyLimit(String setting, int limit, ShedLog shedLog) {
        this.setting = Objects.requireNonNull(setting, "setting");
        this.permits = new Semaphore(limit);
        this.shedLog = Objects.requireNonNull(shedLog, "shedLog");
    }

    /**
     * Takes a place, or logs the shed request (once per client, route and minute).
     *
     * @return whether the request may go on; if so, {@link #release()} when it is done
     */
    public boolean tryAcquire(String route, String client, String answer) {
        if (permits.tryAcquire()) {
            return true;
        }
        shedLog.shed(setting + " reached", route, client, answer);
        return false;
    }

    public void release() {
        permits.release();
    }
}
