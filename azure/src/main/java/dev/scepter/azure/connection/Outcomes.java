package dev.scepter.azure.connection;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a component's calls taught it about each thing it reads (a Graph directory, an Intune
 * service, a Jamf Pro privilege), the latest call's outcome each: a check reuses it instead of
 * calling again.
 *
 * @param <K> what is read
 */
public final class Outcomes<K> {

    /** A call's outcome and when it came. */
    public record Seen(ConnectionStatus status, Instant at) {
    }

    private final Clock clock;
    private final Map<K, Seen> latest = new ConcurrentHashMap<>();

    public Outcomes(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void record(K key, ConnectionStatus status) {
        latest.put(key, new Seen(status, clock.instant()));
    }

    public Optional<Seen> latest(K key) {
        return Optional.ofNullable(latest.get(key));
    }

    /** The latest outcome when it came within {@link Connection#RECENT}. */
    public Optional<Seen> recent(K key) {
        Instant since = clock.instant().minus(Connection.RECENT);
        return latest(key).filter(seen -> !seen.at().isBefore(since));
    }

    /** Whether anything was ever read for this key. */
    public boolean asked(K key) {
        return latest.containsKey(key);
    }
}
