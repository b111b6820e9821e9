package dev.scepter.server.load;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Logs a request shed by a limit (or refused in an outage) once per client, route and {@link #INTERVAL}: a client that
 * retries against a full limit, or a flood, would otherwise write a line per request. The clients
 * remembered are bounded (Caffeine evicts), so a flood from many addresses costs bounded memory
 * and at most one line per address and minute.
 */
public final class ShedLog {

    private static final System.Logger LOG = System.getLogger(ShedLog.class.getName());
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_CLIENTS = 10_000;

    private final Cache<String, Boolean> logged = Caffeine.newBuilder()
            .maximumSize(MAX_CLIENTS)
            .expireAfterWrite(INTERVAL)
            .build();

    /**
     * @param limit  why: the limit reached, or what cannot be reached
     * @param route  the path the request was for
     * @param client the client's address
     * @param answer what the client got ({@code 429}, {@code tryLater})
     */
    public void shed(String limit, String route, String client, String answer) {
        if (logged.asMap().putIfAbsent(limit + " " + route + " " + client, Boolean.TRUE) == null) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} on {2} answered {3}; more from this client on this route within {4} s "
                    + "are not logged", limit, client, route, answer, INTERVAL.toSeconds());
        }
    }
}
