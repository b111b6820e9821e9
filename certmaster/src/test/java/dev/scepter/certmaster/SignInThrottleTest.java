package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.certmaster.security.SignInThrottle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {

    private Instant now = Instant.parse("2026-12-06T12:00:00Z");
    private final SignInThrottle throttle = new SignInThrottle(new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void fiveFailuresWithinAMinuteBlockThatAccountFromThatAddressUntilTheMinuteHasPassed() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("Admin", "10.0.0.1");
        }
        assertThat(throttle.blocked("admin", "10.0.0.1")).isFalse();
        throttle.failed("admin", "10.0.0.1");
        assertThat(throttle.blocked("admin", "10.0.0.1")).as("account names are case-insensitive").isTrue();
        assertThat(throttle.blocked("admin", "10.0.0.2")).isFalse();
        assertThat(throttle.blocked("other", "10.0.0.1")).isFalse();
        now = now.plus(Duration.ofSeconds(61));
        assertThat(throttle.blocked("admin", "10.0.0.1")).isFalse();
    }

    @Test
    void aSuccessfulSignInForgetsThePastFailures() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("admin", "10.0.0.1");
        }
        throttle.succeeded("admin", "10.0.0.1");
        throttle.failed("admin", "10.0.0.1");
        assertThat(throttle.blocked("admin", "10.0.0.1")).isFalse();
    }

    @Test
    void aGuessSpreadOverManyAddressesIsSlowedPerAccountButOnlyBriefly() {
        // Ten failures from ten addresses: no address reaches its own limit, and the account is not slowed yet.
        for (int i = 0; i < SignInThrottle.ACCOUNT_FREE_FAILURES; i++) {
            throttle.failed("admin", "198.51.100." + i);
        }
        assertThat(throttle.blocked("admin", "203.0.113.9")).isFalse();
        throttle.failed("admin", "198.51.100.200");
        assertThat(throttle.blocked("admin", "203.0.113.9")).as("from any address").isTrue();
        assertThat(throttle.blocked("other", "203.0.113.9")).as("other accounts are not slowed").isFalse();
        now = now.plus(Duration.ofSeconds(2));
        assertThat(throttle.blocked("admin", "203.0.113.9")).isFalse();

        // Each further failure doubles the wait, up to the short cap and never beyond it.
        for (int i = 0; i < 20; i++) {
            throttle.failed("admin", "198.51.100." + (100 + i));
        }
        now = now.plus(SignInThrottle.MAX_BACKOFF.minusSeconds(1));
        assertThat(throttle.blocked("admin", "203.0.113.9")).isTrue();
        now = now.plus(Duration.ofSeconds(1));
        assertThat(throttle.blocked("admin", "203.0.113.9")).as("the owner is kept out at most MAX_BACKOFF").isFalse();

        // A successful sign-in from one address does not reset the account-wide count.
        throttle.succeeded("admin", "203.0.113.9");
        throttle.failed("admin", "198.51.100.250");
        assertThat(throttle.blocked("admin", "203.0.113.9")).isTrue();

        // Failures older than the account window are forgotten.
        now = now.plus(SignInThrottle.ACCOUNT_WINDOW);
        assertThat(throttle.blocked("admin", "203.0.113.9")).isFalse();
    }

    @Test
    void theBackoffDoublesFromTwoSecondsToItsCap() {
        assertThat(SignInThrottle.backoff(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(SignInThrottle.backoff(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(SignInThrottle.backoff(4)).isEqualTo(Duration.ofSeconds(16));
        assertThat(SignInThrottle.backoff(5)).isEqualTo(SignInThrottle.MAX_BACKOFF);
        assertThat(SignInThrottle.backoff(1000)).isEqualTo(SignInThrottle.MAX_BACKOFF);
    }
}
