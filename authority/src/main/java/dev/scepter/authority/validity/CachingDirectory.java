package dev.scepter.authority.validity;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caches a directory's answers, found and not found, for {@code AppConfig:Directory:CacheSeconds}:
 * a burst of OCSP requests for one device asks the directory once. A directory that cannot
 * answer is not cached, so it is asked again at the next request.
 */
public final class CachingDirectory implements Directory {

    private record Key(DirectoryObjectType type, UUID objectId) {
    }

    private record Cached(DirectoryAnswer answer, Instant until) {
    }

    private static final int MAX_ENTRIES = 200_000;

    private final Directory directory;
    private final Clock clock;
    private final Duration ttl;
    private final Map<Key, Cached> answers = new ConcurrentHashMap<>();

    public CachingDirectory(Directory directory, Clock clock, Duration ttl) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
        Key key = new Key(type, objectId);
        Instant now = clock.instant();
        Cached cached = answers.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.answer();
        }
        DirectoryAnswer answer = directory.lookup(type, objectId);
        if (!ttl.isZero()) {
            if (answers.size() >= MAX_ENTRIES) {
                answers.clear();
            }
            answers.put(key, new Cached(answer, now.plus(ttl)));
        }
        return answer;
    }

    /** Forgets what it knows of one object: the embedded directory changed it on this node. */
    public void forget(DirectoryObjectType type, UUID objectId) {
        answers.remove(new Key(type, objectId));
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

    @Override
    public String describe() {
        return directory.describe();
    }
}
