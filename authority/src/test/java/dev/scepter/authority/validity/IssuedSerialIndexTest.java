package dev.scepter.authority.validity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.MutableClock;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.IssuedCertificate;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The serial index: a miss may read the store, but an unauthenticated flood cannot make it read without bound. */
class IssuedSerialIndexTest {

    private static final String ISSUER = "CN=Test Root CA";
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private final SerialNumbers serials = new SerialNumbers(new SecureRandom());
    private final MutableClock clock = new MutableClock(NOW);

    private final InMemoryCertificateStore store = new InMemoryCertificateStore();

    @Test
    void aFloodOfRandomSerialsCostsABoundedNumberOfStoreReads() {
        IssuedSerialIndex index = new IssuedSerialIndex(store, ISSUER, clock, Duration.ofSeconds(5));
        int unknown = 0;
        int notTold = 0;
        for (int i = 0; i < 1_000; i++) {
            try {
                if (!index.contains(serials.unbound(0x50))) {
                    unknown++;
                }
            } catch (RuntimeException e) {
                notTold++;
            }
        }
        System.out.printf("IssuedSerialIndexTest: 1000 random serials at one instant: %d store reads, %d unknown, %d not told%n",
                store.finds.get(), unknown, notTold);
        assertThat(store.finds.get()).as("store reads for 1000 random serials at one instant").isLessThanOrEqualTo(20);
        assertThat(unknown + notTold).isEqualTo(1_000);

        clock.advance(Duration.ofSeconds(1));
        BigInteger issuedElsewhere = record(serials.unbound(0x50));
        assertThat(index.contains(issuedElsewhere)).as("a second later the budget is back: a certificate of another node is found")
                .isTrue();
    }

    @Test
    void aMissBeyondTheBoundIsNotToldUnknownButUnavailable() {
        IssuedSerialIndex index = new IssuedSerialIndex(store, ISSUER, clock, Duration.ofSeconds(5));
        for (int i = 0; i < IssuedSerialIndex.MISS_READS_PER_SECOND; i++) {
            assertThat(index.contains(serials.unbound(0x50))).isFalse();
        }
        BigInteger issuedElsewhere = record(serials.unbound(0x50));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.contains(issuedElsewhere))
                .isInstanceOf(StatusUnavailableException.class);
    }

    @Test
    void serialsBelievedNotIssuedAreBoundedAndTheLeastRecentAreEvictedNotAll() {
        IssuedSerialIndex index = new IssuedSerialIndex(store, ISSUER, clock, Duration.ofDays(1));
        List<BigInteger> asked = new ArrayList<>();
        int total = IssuedSerialIndex.MAX_NEGATIVE_ENTRIES + 500;
        for (int i = 0; i < total; i++) {
            BigInteger serial = serials.unbound(0x50);
            asked.add(serial);
            assertThat(index.contains(serial)).isFalse();
            // Within the budget of store reads: 20 a second.
            clock.advance(Duration.ofMillis(50));
        }
        assertThat(index.negativeEntries()).isLessThanOrEqualTo(IssuedSerialIndex.MAX_NEGATIVE_ENTRIES);
        int readsBefore = store.finds.get();
        for (BigInteger recent : asked.subList(total - 1_000, total)) {
            assertThat(index.contains(recent)).isFalse();
        }
        assertThat(store.finds.get() - readsBefore).as("the 1000 most recent misses, from before and after the cache filled, are still cached").isZero();
    }

    @Test
    void aStoreThatCannotBeReadIsNotTakenForNotIssuedAndIsNotAskedAgainAtOnce() {
        StoreHealth health = new StoreHealth(clock);
        IssuedSerialIndex index = new IssuedSerialIndex(store, ISSUER, clock, Duration.ofSeconds(5), health);
        store.failReadsWith = new IllegalStateException("connection refused");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.contains(serials.unbound(0x50)))
                .isInstanceOf(StatusUnavailableException.class);
        assertThat(health.reachable()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.contains(serials.unbound(0x50)))
                .isInstanceOf(StatusUnavailableException.class);
        assertThat(store.finds).as("the second miss, within a second of the failure, fails at once").hasValue(1);

        store.failReadsWith = null;
        clock.advance(IssuedSerialIndex.AFTER_FAILURE);
        BigInteger serial = record(serials.unbound(0x50));
        assertThat(index.contains(serial)).as("recovered without a restart").isTrue();
    }

    @Test
    void theStoresSerialsAreLoadedInBatchesAndNoneIsLeftOut() {
        int count = 2 * IssuedSerialIndex.BATCH + 3;
        List<BigInteger> recorded = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            recorded.add(record(serials.unbound(0x50)));
        }
        IssuedSerialIndex index = new IssuedSerialIndex(store, ISSUER, clock, Duration.ofSeconds(5));
        index.refresh();

        assertThat(index.size()).isEqualTo(count);
        assertThat(index.unmerged()).as("every batch merged into the sorted arrays").isZero();
        assertThat(recorded).allMatch(index::contains);
        assertThat(store.finds.get()).as("no serial read from the store one by one").isZero();
    }

    private BigInteger record(BigInteger serial) {
        store.record(new IssuedCertificate(serial, ISSUER, "CN=x", List.of(), NOW, NOW.plus(Duration.ofDays(1)), "static", "test",
                Optional.empty(), Optional.empty(), Optional.empty(), new byte[] {1}));
        return serial;
    }
}
