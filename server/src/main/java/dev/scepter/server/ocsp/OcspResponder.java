package dev.scepter.server.ocsp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.store.StoreUnavailableException;
import dev.scepter.authority.validity.CertificateStatus;
import dev.scepter.authority.validity.DelegatedResponder;
import dev.scepter.authority.validity.RevocationReasons;
import dev.scepter.authority.validity.StatusUnavailableException;
import dev.scepter.authority.validity.StoreHealth;
import dev.scepter.authority.validity.Validity;
import dev.scepter.protocol.ocsp.CertStatus;
import dev.scepter.protocol.ocsp.CertificateId;
import dev.scepter.protocol.ocsp.IssuerMatcher;
import dev.scepter.protocol.ocsp.MalformedOcspRequestException;
import dev.scepter.protocol.ocsp.OcspRequest;
import dev.scepter.protocol.ocsp.OcspRequestDecoder;
import dev.scepter.protocol.ocsp.OcspResponseEncoder;
import dev.scepter.protocol.ocsp.OcspSigningException;
import dev.scepter.protocol.ocsp.SingleAnswer;
import dev.scepter.server.load.ConcurrencyLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The OCSP responder as layers (STYLE.md): decode, then the store's health, then a cache of signed
 * responses to requests without a nonce, then the signing bulkhead, then the issuer filter, then
 * {@link Validity} for each CertID, then the signer. No HTTP here ({@link OcspServlet} owns that) but
 * the entity tag of a signed answer, made once with it for the HTTP caches that keep it.
 *
 * <p>A cached answer is served as it is for {@code AppConfig:OCSP:ResponseCacheSeconds}; then the
 * store and the directory are asked again, and when every status is what the answer says, the same
 * signed bytes are served for another such period, up to a tenth of the answer's validity after its
 * thisUpdate and never more than a minute ({@link #REUSE_DIVISOR}, {@link #MAX_REUSE}). So a change
 * in the directory still reaches the next answer within the cache period, while a certificate asked
 * for all day is signed for once a minute, not every 5 s: signing was most of what the cache's
 * misses cost.
 *
 * <p>It always answers in OCSP (RFC 6960 section 4.2.1): whatever cannot be told now (the store
 * unreachable, the directory down, the bulkhead full, a miss beyond the bound on store reads) is
 * {@code tryLater}; a failure of our own is {@code internalError}; never an HTTP error.
 */
public final class OcspResponder {

    private static final System.Logger LOG = System.getLogger(OcspResponder.class.getName());

    /** Time bounds of each kind of answer. */
    public record Timing(Duration good, Duration onHold, Duration revoked, Duration unknown, Duration responseCache) {
    }

    /**
     * One answer: the DER OCSPResponse, what it says (for metrics), and, for a signed answer to a
     * request without a nonce, what HTTP caches need (RFC 5019 section 6): its validity and an
     * entity tag, made once with the answer rather than on every request the cache serves.
     */
    public record Answer(byte[] response, String outcome, Optional<Instant> thisUpdate, Optional<Instant> nextUpdate, boolean hasNonce,
            Optional<String> etag) {

        Answer(byte[] response, String outcome, boolean hasNonce) {
            this(response, outcome, Optional.empty(), Optional.empty(), hasNonce, Optional.empty());
        }
    }

    /**
     * A signed answer, served as it is until {@code until}; after that, while its statuses hold and
     * the responder is the one that signed it, again until {@code reusableUntil}.
     */
    private record Cached(Answer answer, Instant until, Instant reusableUntil, List<CertStatus> statuses,
            DelegatedResponder.Identity signedBy) {
    }

    /** Where a request came from, for the log of shed requests. */
    public record Asker(String route, String client) {
    }

    /**
     * KiB of signed responses kept at most (about 50 MiB; a response with the responder's
     * certificate is 1 to 2 KiB); beyond, Caffeine evicts the least useful ones, not all: its
     * admission policy (W-TinyLFU) keeps answers asked for often through a flood of one-time
     * requests. Weighed by size, since a client chooses how many CertIDs its request holds (up to
     * {@link OcspRequestDecoder#MAX_REQUESTS}), and so how large the response is.
     */
    static final int MAX_CACHED = 50_000;
    /**
     * A signed answer whose statuses still hold is served again for at most its validity divided by
     * this, and at most {@link #MAX_REUSE}, counted from its thisUpdate (60 s of a good answer's
     * 600): a client always gets nine tenths of the validity that a fresh answer would carry, and a
     * thisUpdate at most a minute old. RFC 5019 section 2.2.4 lets responders pre-produce answers;
     * these are checked again first, so their thisUpdate understates how recently their status
     * was known (RFC 6960 section 4.2.2.1), never overstates it.
     */
    static final int REUSE_DIVISOR = 10;
    /**
     * However long an answer is valid (a permanent revocation's 7 days), its thisUpdate is never
     * more than this old when served: a relying party that bounds a response's age must not be
     * handed an old revocation it may reject and then soft-fail to accepting the certificate.
     */
    static final Duration MAX_REUSE = Duration.ofSeconds(60);
    /** A long validity for answers that never change: permanent revocations. */
    private static final Duration PERMANENT = Duration.ofDays(7);

    private final IssuerMatcher issuer;
    private final Validity validity;
    private final DelegatedResponder responder;
    private final Timing timing;
    private final Clock clock;
    private final StoreHealth health;
    private final ConcurrencyLimit signing;
    /**
     * Keyed by what decides the answer: the request's CertIDs, in its order (see {@link #cacheKey}).
     */
    private final Cache<List<CertificateId>, Cached> cache;
    /** Counts {@link #forgetCachedResponses()}: an answer computed before one is not cached after it. */
    private final java.util.concurrent.atomic.AtomicLong forgotten = new java.util.concurrent.atomic.AtomicLong();
    /** The last responder identity's encoder; a race makes a second one, which is as good. */
    private volatile IdentityEncoder encoder;

    /**
     * @param health  while the store is unreachable every answer is tryLater (see {@link StoreHealth})
     * @param signing {@code AppConfig:OCSP:ConcurrentSigningLimit}: requests evaluated and signed at once
     */
    public OcspResponder(IssuerMatcher issuer, Validity validity, DelegatedResponder responder, Timing timing, Clock clock,
            StoreHealth health, ConcurrencyLimit signing) {
        this(issuer, validity, responder, timing, clock, health, signing, MAX_CACHED);
    }

    /** @param maxCached KiB of signed responses kept at most */
    public OcspResponder(IssuerMatcher issuer, Validity validity, DelegatedResponder responder, Timing timing, Clock clock,
            StoreHealth health, ConcurrencyLimit signing, int maxCached) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.validity = Objects.requireNonNull(validity, "validity");
        this.responder = Objects.requireNonNull(responder, "responder");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.health = Objects.requireNonNull(health, "health");
        this.signing = Objects.requireNonNull(signing, "signing");
        this.cache = Caffeine.newBuilder()
                .maximumWeight(timing.responseCache().isZero() ? 0 : maxCached)
                .weigher((List<CertificateId> key, Cached cached) -> 1 + cached.answer().response().length / 1024)
                .expireAfter(Expiry.writing((List<CertificateId> key, Cached cached) -> {
                    Duration left = Duration.between(clock.instant(), cached.reusableUntil());
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .ticker(() -> java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    public static Timing timing(int goodSeconds, int onHoldSeconds, int responseCacheSeconds) {
        return new Timing(Duration.ofSeconds(goodSeconds), Duration.ofSeconds(onHoldSeconds), PERMANENT, Duration.ofSeconds(onHoldSeconds),
                Duration.ofSeconds(responseCacheSeconds));
    }

    public Answer respond(byte[] requestDer, Asker asker) {
        OcspRequest request;
        try {
            request = OcspRequestDecoder.decode(requestDer);
        } catch (MalformedOcspRequestException e) {
            return new Answer(OcspResponseEncoder.malformedRequest(), "malformed", false);
        }
        if (!health.reachable()) {
            // Revocations made on other nodes cannot reach this one: not even a cached answer is vouched for.
            return tryLater(request, "store-unreachable");
        }
        Instant now = clock.instant();
        List<CertificateId> key = request.nonce().isEmpty() ? cacheKey(request) : null;
        Cached cached = key == null ? null : cache.getIfPresent(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.answer();
        }
        if (!signing.tryAcquire(asker.route(), asker.client(), "tryLater")) {
            return tryLater(request, "shed");
        }
        long generation = forgotten.get();
        Answer answer;
        Cached next = null;
        try {
            Decided decided = decide(request, now);
            if (decided == null) {
                return tryLater(request, "try-later");
            }
            if (!decided.anyOurs()) {
                return new Answer(OcspResponseEncoder.unauthorized(), "unauthorized", request.nonce().isPresent());
            }
            DelegatedResponder.Identity identity;
            try {
                identity = responder.identity();
            } catch (StoreUnavailableException | CaKeyUnavailableException e) {
                // A new responder certificate is recorded before use, and the store cannot take it now; or
                // there is none yet and the CA key cannot sign one now (Key Vault throttling). Once there is
                // one, its key is local and answers need no CA key: a failed renewal keeps the current one.
                return tryLater(request, "try-later");
            }
            if (cached != null && stillHolds(cached, decided, identity, now)) {
                answer = cached.answer();
                next = new Cached(answer, until(answer, now, cached.reusableUntil()), cached.reusableUntil(), cached.statuses(),
                        cached.signedBy());
            } else {
                answer = sign(request, decided, identity);
                if (key != null && answer.nextUpdate().isPresent()) {
                    next = new Cached(answer, until(answer, now, answer.nextUpdate().get()), reusableUntil(answer, now), decided.statuses(),
                            identity);
                }
            }
        } catch (RuntimeException e) {
            // A failure of ours, not the client's: said in OCSP's words, the cause to the log.
            LOG.log(System.Logger.Level.ERROR, "Could not answer an OCSP request", e);
            return new Answer(OcspResponseEncoder.internalError(), "internal-error", request.nonce().isPresent());
        } finally {
            signing.release();
        }
        if (next != null && !timing.responseCache().isZero()) {
            cache.put(key, next);
            if (forgotten.get() != generation) {
                // A revocation landed while this answer was made: it may say good, so it is not kept.
                cache.invalidate(key);
            }
        }
        return answer;
    }

    /** The end of an answer's next cache period from {@code now}: never beyond its nextUpdate, nor {@code limit}. */
    private Instant until(Answer answer, Instant now, Instant limit) {
        return earliest(earliest(now.plus(timing.responseCache()), answer.nextUpdate().orElseThrow()), limit);
    }

    /**
     * Until when a freshly signed answer may be served again while its statuses hold: a tenth of
     * its validity after its thisUpdate, at most {@link #MAX_REUSE}, never beyond its nextUpdate,
     * and never before the end of its first cache period, which begins {@code now}.
     */
    private Instant reusableUntil(Answer answer, Instant now) {
        Instant thisUpdate = answer.thisUpdate().orElseThrow();
        Instant nextUpdate = answer.nextUpdate().orElseThrow();
        Duration share = Duration.between(thisUpdate, nextUpdate).dividedBy(REUSE_DIVISOR);
        Instant reusable = earliest(thisUpdate.plus(share.compareTo(MAX_REUSE) < 0 ? share : MAX_REUSE), nextUpdate);
        return latest(until(answer, now, nextUpdate), reusable);
    }

    /**
     * Whether a cached answer may be served again: within its reuse window, signed by the current
     * responder, and saying for each CertID exactly what the store and directory say now. An
     * on-hold or directory revocation carries the time it was decided, which differs every time,
     * so such an answer is signed again, as before; what is reused is the unchanged ones.
     */
    private static boolean stillHolds(Cached cached, Decided decided, DelegatedResponder.Identity identity, Instant now) {
        return now.isBefore(cached.reusableUntil()) && cached.signedBy() == identity && cached.statuses().equals(decided.statuses());
    }

    /**
     * What a response to a request without a nonce depends on, besides the time and the state of
     * the store and directory: its CertIDs (RFC 6960 section 4.1.1), each echoed in the answer
     * exactly as sent, in the request's order. Nothing else of the request reaches the response
     * ({@link OcspRequest} keeps nothing else): so a GET and a POST of the same request, one with
     * a requestorName, a signature or extensions other than the nonce and one without, or the
     * same request in BER and in DER, share one entry. Two CertIDs of one certificate with
     * different hash algorithms, or with NULL and absent algorithm parameters, are different
     * keys, as their answers are different bytes ({@link CertificateId#equals}).
     */
    static List<CertificateId> cacheKey(OcspRequest request) {
        return request.certificateIds();
    }

    /** KiB of signed responses cached now, after eviction: never more than the bound it was built with. */
    public long cachedKiB() {
        cache.cleanUp();
        return cache.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0L)).orElse(0L);
    }

    /** A manual revocation on this node: no cached answer may outlive it. */
    public void forgetCachedResponses() {
        forgotten.incrementAndGet();
        cache.invalidateAll();
    }

    /** A strong entity tag (RFC 9110 section 8.8.3) of the response's bytes: SHA-1, as nginx or a CDN would derive one. */
    private static String entityTag(byte[] response) {
        try {
            return "\"" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(response)) + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from the JVM", e);
        }
    }

    private static Answer tryLater(OcspRequest request, String outcome) {
        return new Answer(OcspResponseEncoder.tryLater(), outcome, request.nonce().isPresent());
    }

    /** What the store and the directory say now of each CertID, in the request's order. */
    private record Decided(Instant thisUpdate, List<SingleAnswer> answers, Instant earliestNext, String outcome, boolean anyOurs) {
        List<CertStatus> statuses() {
            return answers.stream().map(SingleAnswer::status).toList();
        }
    }

    /** The statuses now, or null when the store or the directory cannot tell (the answer is then tryLater). */
    private Decided decide(OcspRequest request, Instant now) {
        List<SingleAnswer> answers = new ArrayList<>();
        Instant thisUpdate = now.truncatedTo(ChronoUnit.SECONDS);
        Instant earliestNext = null;
        String outcome = null;
        boolean anyOurs = false;
        for (CertificateId id : request.certificateIds()) {
            if (!issuer.matches(id)) {
                answers.add(new SingleAnswer(id, new CertStatus.Unknown(), thisUpdate, Optional.of(thisUpdate.plus(timing.unknown()))));
                earliestNext = earliest(earliestNext, thisUpdate.plus(timing.unknown()));
                continue;
            }
            anyOurs = true;
            CertificateStatus status;
            try {
                status = validity.statusOf(id.serialNumber());
            } catch (DirectoryUnavailableException | StatusUnavailableException | StoreUnavailableException e) {
                // A wrong "good", "revoked" or "unknown" is worse than none: the client retries or falls back.
                return null;
            }
            SingleAnswer single = single(id, status, thisUpdate);
            answers.add(single);
            earliestNext = earliest(earliestNext, single.nextUpdate().orElseThrow());
            outcome = outcome == null ? outcomeOf(status) : outcome.equals(outcomeOf(status)) ? outcome : "mixed";
        }
        return new Decided(thisUpdate, answers, earliestNext, outcome, anyOurs);
    }

    private Answer sign(OcspRequest request, Decided decided, DelegatedResponder.Identity identity) {
        Instant thisUpdate = decided.thisUpdate();
        byte[] response;
        try {
            response = encoder(identity).successful(decided.answers(), request.nonce(), thisUpdate);
        } catch (OcspSigningException | IllegalStateException e) {
            // The signer (an HSM, Key Vault) failed: the server's fault, said in OCSP's own words.
            LOG.log(System.Logger.Level.ERROR, "Could not sign an OCSP response", e);
            return new Answer(OcspResponseEncoder.internalError(), "internal-error", request.nonce().isPresent());
        }
        boolean hasNonce = request.nonce().isPresent();
        return new Answer(response, decided.outcome(), Optional.of(thisUpdate), Optional.ofNullable(decided.earliestNext()), hasNonce,
                hasNonce ? Optional.empty() : Optional.of(entityTag(response)));
    }

    /**
     * The encoder for the responder's current identity, made once per identity (it encodes the
     * certificates it includes then, and hashes the responder's key for its ResponderID), not once
     * per response.
     */
    private OcspResponseEncoder encoder(DelegatedResponder.Identity identity) {
        IdentityEncoder current = encoder;
        if (current == null || current.identity() != identity) {
            current = new IdentityEncoder(identity, new OcspResponseEncoder(identity.signer(), identity.certificatesToInclude()));
            encoder = current;
        }
        return current.encoder();
    }

    private record IdentityEncoder(DelegatedResponder.Identity identity, OcspResponseEncoder encoder) {
    }

    private SingleAnswer single(CertificateId id, CertificateStatus status, Instant thisUpdate) {
        if (status instanceof CertificateStatus.Good) {
            return new SingleAnswer(id, new CertStatus.Good(), thisUpdate, Optional.of(thisUpdate.plus(timing.good())));
        }
        if (status instanceof CertificateStatus.OnHold hold) {
            return new SingleAnswer(id, new CertStatus.Revoked(hold.since(), Optional.of(RevocationReasons.CERTIFICATE_HOLD)), thisUpdate,
                    Optional.of(thisUpdate.plus(timing.onHold())));
        }
        if (status instanceof CertificateStatus.Revoked revoked) {
            // A certificate put on hold by hand can come back; every other revocation is final.
            Duration valid = revoked.reason() == RevocationReasons.CERTIFICATE_HOLD ? timing.onHold() : timing.revoked();
            return new SingleAnswer(id, new CertStatus.Revoked(revoked.revokedAt(), Optional.of(revoked.reason())), thisUpdate,
                    Optional.of(thisUpdate.plus(valid)));
        }
        return new SingleAnswer(id, new CertStatus.Unknown(), thisUpdate, Optional.of(thisUpdate.plus(timing.unknown())));
    }

    private static String outcomeOf(CertificateStatus status) {
        if (status instanceof CertificateStatus.Good) {
            return "good";
        }
        if (status instanceof CertificateStatus.OnHold) {
            return "on-hold";
        }
        return status instanceof CertificateStatus.Revoked ? "revoked" : "unknown";
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant latest(Instant a, Instant b) {
        return b.isAfter(a) ? b : a;
    }
}
