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

/**
 * Validations beyond the limit do not run: they are rateLimited, and run again once a place is free.
 * Each profile's gate has its own places and its own threads for blocking calls.
 */
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
    void aGateFullWithSlowValidationsAndCallsLeavesAnotherGateFree() throws Exception {
        ValidationGate open = new ValidationGate(1);
        ValidationGate closed = new ValidationGate(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(1);
        try {
            // The open profile's one validation holds its place, and both of its gate's call threads with calls that hang.
            Future<?> slow = threads.submit(() -> open.validate(() -> {
                for (int i = 0; i < 2; i++) {
                    BoundedCalls.start(() -> release.await(10, TimeUnit.SECONDS));
                }
                assertThatThrownBy(() -> BoundedCalls.start(() -> 1)).as("its threads are all busy")
                        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
                return hold(running, release);
            }));
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> open.validate(Optional::empty)).isInstanceOf(ValidationGate.Busy.class);

            assertThat(closed.validate(() -> {
                try {
                    return BoundedCalls.within(() -> Optional.<dev.scepter.protocol.acme.AcmeProblem>empty(), java.time.Duration.ofSeconds(5));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            })).as("the other profile validates, its calls on threads of its own").isEmpty();
            release.countDown();
            slow.get(5, TimeUnit.SECONDS);
        } finally {
            release.countDown();
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
