package dev.scepter.azure.signin;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token and its validity on this instance's clock.
 *
 * @param value      the token itself: a secret, never shown
 * @param obtainedAt when it was received
 * @param expiresAt  when it stops being accepted
 */
record Token(String value, Instant obtainedAt, Instant expiresAt) {

    Token {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(obtainedAt, "obtainedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    Duration lifetime() {
        return Duration.between(obtainedAt, expiresAt);
    }

    Duration left(Instant now) {
        return Duration.between(now, expiresAt);
    }

    @Override
    public String toString() {
        return "Token[obtainedAt=" + obtainedAt + ", expiresAt=" + expiresAt + "]";
    }
}
