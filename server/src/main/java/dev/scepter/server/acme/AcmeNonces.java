package dev.scepter.server.acme;

import dev.scepter.authority.store.AcmeStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Replay nonces (RFC 8555 section 6.5), kept in the installation's store: a nonce issued by one
 * node is good on every node sharing the store, once (the store consumes it atomically), within
 * its lifetime. Expired, unused nonces are deleted at most once a {@link #SWEEP} by each node.
 */
final class AcmeNonces {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final Duration SWEEP = Duration.ofMinutes(1);
    private final AcmeStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final AtomicReference<Instant> swept;

    AcmeNonces(AcmeStore store, SecureRandom random, Clock clock) {
        this.store = store;
        this.random = random;
        this.clock = clock;
        this.swept = new AtomicReference<>(clock.instant());
    }

    /** On the installation's store (the controller itself reaches no storage port). */
    static AcmeNonces of(dev.scepter.server.CoreContext core, SecureRandom random, Clock clock) {
        return new AcmeNonces(core.storage().acmeStore(), random, clock);
    }

    String next() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        store.saveNonce(nonce, now.plus(LIFETIME));
        Instant last = swept.get();
        if (now.isAfter(last.plus(SWEEP)) && swept.compareAndSet(last, now)) {
            store.forgetExpiredNonces(now);
        }
        return nonce;
    }

    /** Whether the nonce was issued by a node of this installation, is not expired and was not used before; it is used up either way. */
    boolean consume(String nonce) {
        return nonce != null && nonce.length() <= 64 && store.consumeNonce(nonce, clock.instant());
    }
}
