package dev.scepter.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.store.AcmeStore;
import dev.scepter.authority.store.AcmeStore.Order;
import dev.scepter.authority.store.AcmeStore.Status;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A finalize taken over from a node that was slower than the takeover bound: that node's late
 * writes, fenced on its own claim, neither replace the taker's certificate nor undo its claim.
 */
class AcmeFinalizeClaimTest {

    private static final Instant START = Instant.parse("2026-12-07T07:00:00Z");

    /** One order in a store that compares versions as every store does. */
    private final AtomicReference<Order> stored = new AtomicReference<>(new Order("o1", "a1", List.of(), List.of(), Status.READY,
            START.plus(Duration.ofDays(7)), Optional.empty(), 0));
    private final AcmeState state = new AcmeState((AcmeStore) Proxy.newProxyInstance(AcmeStore.class.getClassLoader(),
            new Class<?>[] {AcmeStore.class}, (proxy, method, args) -> switch (method.getName()) {
                case "order" -> Optional.of(stored.get());
                case "updateOrder" -> {
                    Order changed = (Order) args[0];
                    Order current = stored.get();
                    yield changed.version() == current.version() && stored.compareAndSet(current, withVersion(changed, current.version() + 1));
                }
                default -> throw new UnsupportedOperationException(method.getName());
            }), new SecureRandom());

    @Test
    void aStaleClaimersLateSuccessLeavesTheTakersCertificate() {
        Instant claimOfA = START;
        Instant claimOfB = START.plus(AcmeController.FINALIZE_ABANDONED).plusSeconds(1);
        Order order = state.update(stored.get(), current -> current.processing(claimOfA));
        state.update(order, current -> current.processing(claimOfB)); // B took over
        assertThat(state.stillClaimed(order, claimOfA)).isFalse(); // A's check before signing stops it
        assertThat(state.stillClaimed(order, claimOfB)).isTrue();

        Order valid = state.update(order, AcmeState.whileClaimed(claimOfB,
                current -> current.with(current.authorizations(), Status.VALID, Optional.of("chain of B"))));
        assertThat(valid.certificate()).contains("chain of B");

        Order afterA = state.update(order, AcmeState.whileClaimed(claimOfA,
                current -> current.with(current.authorizations(), Status.VALID, Optional.of("chain of A"))));
        assertThat(afterA.status()).isEqualTo(Status.VALID);
        assertThat(afterA.certificate()).contains("chain of B");
        assertThat(stored.get().certificate()).contains("chain of B");
    }

    @Test
    void aStaleClaimersLateFailureLeavesTheTakersClaim() {
        Instant claimOfA = START;
        Instant claimOfB = START.plus(AcmeController.FINALIZE_ABANDONED).plusSeconds(1);
        Order order = state.update(stored.get(), current -> current.processing(claimOfA));
        state.update(order, current -> current.processing(claimOfB));

        UnaryOperator<Order> readyOfA = AcmeState.whileClaimed(claimOfA,
                current -> current.with(current.authorizations(), Status.READY, Optional.empty()));
        state.update(order, readyOfA);
        assertThat(stored.get().status()).isEqualTo(Status.PROCESSING);
        assertThat(stored.get().processingSince()).contains(claimOfB);

        // B's own failure does set it back.
        state.update(order, AcmeState.whileClaimed(claimOfB, current -> current.with(current.authorizations(), Status.READY, Optional.empty())));
        assertThat(stored.get().status()).isEqualTo(Status.READY);
    }

    private static Order withVersion(Order order, long version) {
        return new Order(order.id(), order.accountId(), order.identifiers(), order.authorizations(), order.status(), order.expires(),
                order.certificate(), order.processingSince(), version);
    }
}
