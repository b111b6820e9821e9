package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.protocol.acme.AcmeError;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Validations beyond the limit do not run: they are rateLimited, and run again once a place is free. */
class ValidationGateTest {

    @Test
    void validationsBeyondTheLimitAreRateLimitedAndDoNotRun() throws Exception {
        ValidationGate gate = new ValidationGate(2);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = threads.submit(() -> gate.validate(() -> hold(running, release)));
            Future<?> second = threads.submit(() -> gate.validate(() -> hold(running, release)));
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            AtomicInteger ran = new AtomicInteger();
            assertThatThrownBy(() -> gate.validate(() -> {
                ran.incrementAndGet();
                return Optional.empty();
            })).isInstanceOfSatisfying(ValidationGate.Busy.class, busy -> {
                assertThat(busy.problem().error()).isEqualTo(AcmeError.RATE_LIMITED);
                assertThat(busy.problem().error().status()).isEqualTo(429);
            });
            assertThat(ran).hasValue(0);
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
            second.get(5, TimeUnit.SECONDS);
            assertThat(gate.validate(() -> {
                ran.incrementAndGet();
                return Optional.empty();
            })).isEmpty();
            assertThat(ran).hasValue(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aValidationThatThrowsGivesItsPlaceBack() {
        ValidationGate gate = new ValidationGate(1);
        assertThatThrownBy(() -> gate.validate(() -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(gate.validate(Optional::empty)).isEmpty();
    }

    private static Optional<dev.scepter.protocol.acme.AcmeProblem> hold(CountDownLatch running, CountDownLatch release) {
        running.countDown();
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }
}
