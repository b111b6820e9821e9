package dev.scepter.authority.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A bearer token for the core's API, as stored: its value is never kept, only its SHA-256 hash.
 *
 * @param name      unique, chosen by the admin or generated
 * @param valueHash SHA-256 of the token value
 * @param roles     what the token may do
 * @param createdAt when it was created
 * @param expiresAt when it stops working, if ever
 */
public record ApiToken(String name, byte[] valueHash, Set<ApiRole> roles, Instant createdAt, Optional<Instant> expiresAt) {
    public ApiToken {
        Objects.requireNonNull(name, "name");
        valueHash = valueHash.clone();
        roles = Set.copyOf(roles);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public byte[] valueHash() {
        return valueHash.clone();
    }

    public boolean isExpired(Instant now) {
        return expiresAt.map(now::isAfter).orElse(false);
    }

    @Override
    public String toString() {
        return "ApiToken[name=" + name + ", roles=" + roles + ", expiresAt=" + expiresAt + "]";
    }
}
