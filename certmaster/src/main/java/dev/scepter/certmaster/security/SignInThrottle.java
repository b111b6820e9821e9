package dev.scepter.certmaster.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@link #MAX_FAILURES} failed sign-ins per account and address within a minute: enough
 * for a person who mistypes, too few to guess a password. While blocked, the password is not
 * even checked, so the blocked attempts cost the server nothing either.
 */
public final class SignInThrottle {

    public static final int MAX_FAILURES = 5;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** Beyond this many keys, the oldest windows are dropped, so that a flood of names cannot fill the memory. */
    private static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    public boolean blocked(String account, String address) {
        Deque<Instant> recent = failures.get(key(account, address));
        if (recent == null) {
            return false;
        }
        synchronized (recent) {
            prune(recent);
            return recent.size() >= MAX_FAILURES;
        }
    }

    public void failed(String account, String address) {
        if (failures.size() > MAX_KEYS) {
            failures.values().removeIf(recent -> {
                synchronized (recent) {
                    prune(recent);
                    return recent.isEmpty();
                }
            });
        }
        Deque<Instant> recent = failures.computeIfAbsent(key(account, address), k -> new ArrayDeque<>());
        synchronized (recent) {
            prune(recent);
            recent.addLast(clock.instant());
        }
    }

    public void succeeded(String account, String address) {
        failures.remove(key(account, address));
    }

    private void prune(Deque<Instant> recent) {
        Instant cutoff = clock.instant().minus(WINDOW);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(cutoff)) {
            recent.removeFirst();
        }
    }

    private static String key(String account, String address) {
        return account.toLowerCase(java.util.Locale.ROOT) + "\n" + address;
    }
}
