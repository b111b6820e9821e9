package dev.scepter.authority.token;

import dev.scepter.authority.Secrets;
import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The core API's bearer tokens: created with a value shown once, kept only as a hash, every
 * change audited.
 */
public final class ApiTokens {

    /** A prefix makes a leaked token easy to recognise (and to find with secret scanners). */
    static final String PREFIX = "sct_";

    private final ApiTokenStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public ApiTokens(ApiTokenStore store, AuditLog audit, Clock clock, SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new token and its value, which exists nowhere else: the caller shows it once. */
    public record Created(ApiToken token, String value) {
        @Override
        public String toString() {
            return "Created[" + token + ", value=<hidden>]";
        }
    }

    public Created create(String actor, String name, Set<ApiRole> roles, Optional<Duration> lifetime) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        String value = newValue();
        Instant now = clock.instant();
        ApiToken token = new ApiToken(name, Secrets.sha256(value), roles, now, lifetime.map(now::plus));
        store.create(token);
        audit.append(new AuditEvent(now, actor, "token.create", name, "success"));
        return new Created(token, value);
    }

    /** Registers a token whose value already exists (the data folder's admin-token file). */
    public ApiToken register(String actor, String name, String value, Set<ApiRole> roles) {
        Instant now = clock.instant();
        ApiToken token = new ApiToken(name, Secrets.sha256(value), roles, now, Optional.empty());
        store.create(token);
        audit.append(new AuditEvent(now, actor, "token.create", name, "success"));
        return token;
    }

    public List<ApiToken> list() {
        return store.list();
    }

    public boolean revoke(String actor, String name) {
        boolean revoked = store.revoke(name);
        audit.append(new AuditEvent(clock.instant(), actor, "token.revoke", name, revoked ? "success" : "not found"));
        return revoked;
    }

    /**
     * The token a presented value belongs to, if it is known and not expired. The lookup is by
     * the value's hash, so no comparison of secrets takes place here to leak timing.
     */
    public Optional<ApiToken> authenticate(String presentedValue) {
        if (presentedValue == null || !presentedValue.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return store.findByValueHash(Secrets.sha256(presentedValue)).filter(token -> !token.isExpired(now));
    }

    /** Whether a stored token has this value. */
    public boolean isRegistered(String value) {
        return store.findByValueHash(Secrets.sha256(value)).isPresent();
    }

    /** A fresh value in the token format, for files written by the installer. */
    public String newValue() {
        return PREFIX + Secrets.randomText(random, 32);
    }
}
