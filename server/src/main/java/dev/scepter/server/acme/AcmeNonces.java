package dev.scepter.server.acme;

import dev.scepter.authority.store.AcmeStore;
import dev.scepter.protocol.acme.AcmeError;
import dev.scepter.protocol.acme.AcmeProblem;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replay nonces (RFC 8555 section 6.5), stateless until used: a nonce is its expiry, random bytes
 * and an HMAC-SHA256 of both under the installation's nonce key (one key in the store, the same on
 * every node), so issuing one writes nothing and any node can tell a nonce of this installation.
 * A POST's nonce is checked (form, MAC, expiry) without I/O; once the request's signature has
 * verified it is used up by one unique insert of its hash in the store, which is the replay check,
 * exactly once across nodes. Used-nonce records are deleted a bounded batch at a time off the
 * request thread, at most once a {@link #SWEEP} per node.
 */
final class AcmeNonces {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    /**
     * How far ahead of this node's clock an issuing node's may be: a nonce expiring later than
     * {@link #LIFETIME} plus this is refused, whatever its MAC (a leaked key must not make records
     * that are never swept).
     */
    static final Duration SKEW = Duration.ofMinutes(1);
    /**
     * How long a used-nonce record is kept past the nonce's expiry: a node whose clock is behind by
     * up to this still reads the nonce as unexpired, and must still find it used. Generous, since
     * a node behind by more would accept a replay, where one ahead by more than {@link #SKEW} only
     * makes a client ask for a fresh nonce.
     */
    static final Duration KEPT_PAST_EXPIRY = LIFETIME;
    private static final Duration SWEEP = Duration.ofMinutes(1);
    /** Used-nonce records deleted per sweep at most: {@link #SWEEP_BATCHES} batches of {@link #SWEEP_BATCH}. */
    static final int SWEEP_BATCH = 500;
    private static final int SWEEP_BATCHES = 10;
    private static final int EXPIRY = 8;
    private static final int RANDOM = 16;
    private static final int MAC = 16;
    /** The form of a nonce of this installation's, checked before it reaches any storage key. */
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{" + ((EXPIRY + RANDOM + MAC) * 4 + 2) / 3 + "}");
    /** One thread for every node's sweeps in this JVM: a sweep is one short batch a minute, and never a request's. */
    private static final Executor SWEEPER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "acme-nonce-sweep");
        thread.setDaemon(true);
        return thread;
    });
    private static final System.Logger LOG = System.getLogger(AcmeNonces.class.getName());

    private final AcmeStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final AtomicReference<Instant> swept;
    private volatile SecretKeySpec key;

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

    /** A fresh nonce; costs no I/O once this node has the installation's key. */
    String next() {
        ByteBuffer nonce = ByteBuffer.allocate(EXPIRY + RANDOM + MAC);
        nonce.putLong(clock.instant().plus(LIFETIME).getEpochSecond());
        byte[] bytes = new byte[RANDOM];
        random.nextBytes(bytes);
        nonce.put(bytes);
        nonce.put(mac(nonce.array(), EXPIRY + RANDOM));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
    }

    /**
     * Whether the nonce was made with this installation's key and has not expired; no I/O beyond
     * reading the key once. Its use is {@link #use}'s, after the request's signature verified.
     *
     * @throws AcmeProblem badNonce otherwise
     */
    void check(String nonce) {
        expiry(nonce);
    }

    /**
     * Uses the nonce up: the unique insert of its hash is the replay check, across nodes.
     *
     * @throws AcmeProblem badNonce when it is not {@link #check good} or was used before
     */
    void use(String nonce) {
        Instant expires = expiry(nonce);
        if (!store.useNonce(hash(nonce), expires.plus(KEPT_PAST_EXPIRY))) {
            throw badNonce();
        }
        Instant now = clock.instant();
        Instant last = swept.get();
        if (now.isAfter(last.plus(SWEEP)) && swept.compareAndSet(last, now)) {
            CompletableFuture.runAsync(this::sweep, SWEEPER);
        }
    }

    /** Deletes expired used-nonce records, a bounded number, never failing a request. */
    void sweep() {
        try {
            Instant now = clock.instant();
            for (int batch = 0; batch < SWEEP_BATCHES && store.forgetUsedNonces(now, SWEEP_BATCH) == SWEEP_BATCH; batch++) {
                // a full batch: there may be more
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ACME used nonces not swept: {0}", e.getClass().getSimpleName());
        }
    }

    private Instant expiry(String nonce) {
        if (nonce == null || !FORM.matcher(nonce).matches()) {
            throw badNonce();
        }
        byte[] bytes = Base64.getUrlDecoder().decode(nonce);
        // Only the canonical spelling: the decoder ignores the last character's unused bits, so
        // sixteen spellings of one nonce would pass the MAC, each with a hash of its own.
        if (bytes.length != EXPIRY + RANDOM + MAC || !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(nonce)
                || !MessageDigest.isEqual(mac(bytes, EXPIRY + RANDOM), Arrays.copyOfRange(bytes, EXPIRY + RANDOM, bytes.length))) {
            throw badNonce();
        }
        Instant expires = Instant.ofEpochSecond(ByteBuffer.wrap(bytes, 0, EXPIRY).getLong());
        Instant now = clock.instant();
        if (!now.isBefore(expires) || expires.isAfter(now.plus(LIFETIME).plus(SKEW))) {
            throw badNonce();
        }
        return expires;
    }

    private byte[] mac(byte[] bytes, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            mac.update(bytes, 0, length);
            return Arrays.copyOf(mac.doFinal(), MAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The installation's key: the store's, or this node's candidate if it is the first to ask. */
    private SecretKeySpec key() {
        SecretKeySpec known = key;
        if (known == null) {
            byte[] candidate = new byte[32];
            random.nextBytes(candidate);
            known = new SecretKeySpec(store.nonceKey(candidate), "HmacSHA256");
            key = known;
        }
        return known;
    }

    private static String hash(String nonce) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(nonce.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static AcmeProblem badNonce() {
        return new AcmeProblem(AcmeError.BAD_NONCE, "The nonce was not issued here, was used already or expired.");
    }
}
