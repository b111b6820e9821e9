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
}
