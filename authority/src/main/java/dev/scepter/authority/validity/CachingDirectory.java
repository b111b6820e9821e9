package dev.scepter.authority.validity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Caches a directory's answers, found and not found, for {@code AppConfig:Directory:CacheSeconds}:
 * a burst of OCSP requests for one device asks the directory once. At most
 * {@value #MAX_ENTRIES} answers are kept; beyond, Caffeine evicts the least useful ones, not all.
 * A directory that cannot answer is not cached, so it is asked again, but not for
 * {@link #AFTER_FAILURE} after it failed: meanwhile lookups fail at once instead of each waiting
 * for the directory's own timeout, which would hold a request thread apiece during an outage.
 */
public final class CachingDirectory implements Directory {

    private record Key(DirectoryObjectType type, UUID objectId) {
    }

    static final int MAX_ENTRIES = 200_000;
    /** After the directory failed, lookups fail at once for this long. */
    static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final Directory directory;
    private final Clock clock;
    private final Cache<Key, DirectoryAnswer> answers;
    private volatile Instant failedAt = Instant.MIN;
    /** Counts {@link #forget}s: an answer read before one is not kept after it. */
    private final java.util.concurrent.atomic.AtomicLong forgotten = new java.util.concurrent.atomic.AtomicLong();

    public CachingDirectory(Directory directory, Clock clock, Duration ttl) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ttl, "ttl");
        this.answers = Caffeine.newBuilder()
                .maximumSize(ttl.isZero() ? 0 : MAX_ENTRIES)
                .expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        Key key = new Key(type, objectId);
        DirectoryAnswer cached = answers.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        Instant now = clock.instant();
        if (now.isBefore(failedAt.plus(AFTER_FAILURE))) {
            throw new DirectoryUnavailableException(directory.describe() + " failed " + Duration.between(failedAt, now).toMillis()
                    + " ms ago", null);
        }
        long generation = forgotten.get();
        DirectoryAnswer answer;
        try {
            answer = directory.lookup(type, objectId);
        } catch (DirectoryUnavailableException e) {
            failedAt = now;
            throw e;
        } catch (RuntimeException e) {
            // The embedded directory lives in the store: its outage is the directory's.
            failedAt = now;
            throw new DirectoryUnavailableException(directory.describe() + " cannot be read", e);
        }
        answers.put(key, answer);
        if (forgotten.get() != generation) {
            // The object changed while it was read: the answer may be the old one, so it is not kept.
            answers.invalidate(key);
        }
        return answer;
    }

    /** Answers kept now (after eviction). */
    long size() {
        answers.cleanUp();
        return answers.estimatedSize();
    }

    /**
     * Forgets what it knows of one object, under every kind it was asked by: the embedded directory
     * changed it on this node, and answers an Intune device id as the device with that id.
     */
    public void forget(UUID objectId) {
        forgotten.incrementAndGet();
        for (DirectoryObjectType type : DirectoryObjectType.values()) {
            answers.invalidate(new Key(type, objectId));
        }
    }

    @Override
    public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
        return directory.findUserByPrincipalName(userPrincipalName);
    }

    /** Asked at issuance only, so not cached: a SID written into a certificate is the directory's current one. */
    @Override
    public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
        return directory.securityIdentifier(type, objectId);
    }

    /** Asked at issuance only, so not cached: ownership changes hands without a change of state to follow. */
    @Override
    public boolean isRegisteredOwner(DirectoryObjectType deviceType, UUID deviceId, UUID userId) {
        return directory.isRegisteredOwner(deviceType, deviceId, userId);
    }

    @Override
    public String describe() {
        return directory.describe();
    }
}
