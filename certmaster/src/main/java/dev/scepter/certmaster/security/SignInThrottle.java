package dev.scepter.certmaster.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed sign-ins twice over.
 *
 * <ul>
 *   <li>Per account and address: at most {@link #MAX_FAILURES} within {@link #WINDOW}, enough for
 *       a person who mistypes, too few to guess a password.</li>
 *   <li>Per account, from all addresses together: beyond {@link #ACCOUNT_FREE_FAILURES} within
 *       {@link #ACCOUNT_WINDOW}, each further try waits a backoff after the last failure that
 *       doubles from 2 s up to {@link #MAX_BACKOFF}. A guess spread over many addresses (or over
 *       forged {@code X-Forwarded-For} values) is slowed to about two a minute, while the owner is
 *       kept out at most {@link #MAX_BACKOFF} after the attacker's last try: the cap is short on
 *       purpose, so that nobody can lock the admin out for long.</li>
 * </ul>
 * While blocked, the password is not even checked (and the try is not counted), so the blocked
 * attempts cost the server nothing either.
 */
public final class SignInThrottle {

    public static final int MAX_FAILURES = 5;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final int ACCOUNT_FREE_FAILURES = 10;
    public static final Duration ACCOUNT_WINDOW = Duration.ofMinutes(15);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Beyond this many keys, the oldest windows are dropped, so that a flood of names cannot fill the memory. */
    private static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> accountFailures = new ConcurrentHashMap<>();

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    public boolean blocked(String account, String address) {
        Deque<Instant> recent = failures.get(key(account, address));
        if (recent != null) {
            synchronized (recent) {
                prune(recent, WINDOW);
                if (recent.size() >= MAX_FAILURES) {
                    return true;
                }
            }
        }
        Deque<Instant> accountWide = accountFailures.get(account(account));
        if (accountWide == null) {
            return false;
        }
        synchronized (accountWide) {
            prune(accountWide, ACCOUNT_WINDOW);
            int beyond = accountWide.size() - ACCOUNT_FREE_FAILURES;
            return beyond > 0 && clock.instant().isBefore(accountWide.peekLast().plus(backoff(beyond)));
        }
    }

    public void failed(String account, String address) {
        record(failures, key(account, address), WINDOW);
        record(accountFailures, account(account), ACCOUNT_WINDOW);
    }

    /** Forgets the failures from this address; those of the account from everywhere stay, or one sign-in would reset a distributed guess. */
    public void succeeded(String account, String address) {
        failures.remove(key(account, address));
    }

    /** 2 s after the first failure beyond the free ones, doubling, at most {@link #MAX_BACKOFF}. */
    public static Duration backoff(int failuresBeyondTheFree) {
        int shift = Math.min(failuresBeyondTheFree, 10);
        Duration backoff = Duration.ofSeconds(1L << shift);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    private void record(Map<String, Deque<Instant>> windows, String key, Duration window) {
        if (windows.size() > MAX_KEYS) {
            windows.values().removeIf(recent -> {
                synchronized (recent) {
                    prune(recent, window);
                    return recent.isEmpty();
                }
            });
        }
        Deque<Instant> recent = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (recent) {
            prune(recent, window);
            recent.addLast(clock.instant());
        }
    }

    private void prune(Deque<Instant> recent, Duration window) {
        Instant cutoff = clock.instant().minus(window);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(cutoff)) {
            recent.removeFirst();
        }
    }

    private static String account(String account) {
        return account.toLowerCase(Locale.ROOT);
    }

    private static String key(String account, String address) {
        return account(account) + "\n" + address;
    }
}
