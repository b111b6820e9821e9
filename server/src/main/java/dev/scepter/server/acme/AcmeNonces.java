package dev.scepter.server.acme;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replay nonces (RFC 8555 section 6.5): each one issued is accepted once, within its lifetime.
 * Bounded: beyond {@link #MAX} outstanding nonces the oldest is forgotten (its client gets
 * {@code badNonce} and retries with the fresh nonce that answer carries). Per node: a nonce from
 * one node is {@code badNonce} on another, which ACME clients retry.
 */
final class AcmeNonces {

    static final int MAX = 10_000;
    private static final Duration LIFETIME = Duration.ofMinutes(10);
    private final SecureRandom random;
    private final Clock clock;
    private final Map<String, Instant> issued = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX;
        }
    };

    AcmeNonces(SecureRandom random, Clock clock) {
        this.random = random;
        this.clock = clock;
    }

    synchronized String next() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        issued.put(nonce, clock.instant().plus(LIFETIME));
        return nonce;
    }

    /** Whether the nonce was issued here, is not expired and was not used before; it is used up either way. */
    synchronized boolean consume(String nonce) {
        Instant expires = issued.remove(nonce);
        return expires != null && clock.instant().isBefore(expires);
    }
}
