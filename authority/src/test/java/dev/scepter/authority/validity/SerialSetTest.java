package dev.scepter.authority.validity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.issuance.SerialNumbers;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The issued-serial index's set: exact, 20 bytes a serial, and right while serials are added on other threads. */
class SerialSetTest {

    private final SerialNumbers serials = new SerialNumbers(new SecureRandom());
    private final Random random = new Random(15);

    private List<BigInteger> scepterSerials(int count) {
        // Every kind Scepter makes, unbound (type byte 0x50) and bound to a directory object (GUID in bytes 4-19),
        // from a seeded generator: a million from SecureRandom would be most of the test's time.
        SerialNumbers fast = new SerialNumbers(new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                random.nextBytes(bytes);
            }
        });
        List<BigInteger> made = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            made.add(i % 2 == 0 ? fast.unbound(0x50) : fast.bound(0x2A, new UUID(random.nextLong(), random.nextLong())));
        }
        return made;
    }

    @Test
    void aMillionSerialsTakeTwentyBytesEachAndAreAllFound() {
        int count = 1_000_000;
        List<BigInteger> issued = scepterSerials(count);
        SerialSet set = new SerialSet();
        set.addAll(issued.subList(0, count / 2));
        set.addAll(issued.subList(count / 2, count));
        assertThat(set.size()).isEqualTo(count);
        assertThat(set.unmerged()).isZero();
        // The structure's size from its arrays' lengths: what a Set<BigInteger> took about 100 bytes for.
        System.out.printf("SerialSetTest: %d serials in %d bytes of arrays, %.1f bytes a serial%n", count, set.sortedBytes(),
                (double) set.sortedBytes() / count);
        assertThat(set.sortedBytes()).isLessThanOrEqualTo(20L * count);
        for (BigInteger serial : issued) {
            if (!set.contains(serial)) {
                throw new AssertionError("issued but not found: " + serial.toString(16));
            }
        }
        for (int i = 0; i < 10_000; i++) {
            assertThat(set.contains(serials.unbound(0x50))).isFalse();
        }
    }

    @Test
    void serialsThatDifferOnlyInOneWordAreTold() {
        BigInteger base = new BigInteger("50" + "00112233445566778899AABBCCDDEEFF001122", 16);
        SerialSet set = new SerialSet(2);
        set.add(base);
        for (int bit = 0; bit < 160; bit++) {
            BigInteger neighbour = base.flipBit(bit);
            assertThat(set.contains(neighbour)).as("bit %d flipped", bit).isFalse();
            set.add(neighbour);
            assertThat(set.contains(neighbour)).as("bit %d flipped, added", bit).isTrue();
        }
        assertThat(set.size()).isEqualTo(161);
        assertThat(set.contains(base)).isTrue();
    }

    @Test
    void serialsTheArraysCannotHoldAreKeptToo() {
        SerialSet set = new SerialSet(1);
        List<BigInteger> odd = List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(-5), BigInteger.ONE.shiftLeft(160),
                BigInteger.ONE.shiftLeft(160).subtract(BigInteger.ONE), new BigInteger("FF".repeat(25), 16));
        set.addAll(odd);
        set.addAll(odd);
        for (BigInteger serial : odd) {
            assertThat(set.contains(serial)).as(serial.toString(16)).isTrue();
            set.add(serial);
        }
        assertThat(set.size()).isEqualTo(odd.size());
        assertThat(set.contains(BigInteger.TWO)).isFalse();
        assertThat(set.contains(BigInteger.valueOf(-4))).isFalse();
    }

    @Test
    void serialsAddedOneByOneAreMergedAndAreFoundThroughoutWhileOthersAreAdded() throws Exception {
        SerialSet set = new SerialSet(64);
        List<BigInteger> first = scepterSerials(20_000);
        set.addAll(first);
        List<BigInteger> added = scepterSerials(40_000);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                List<BigInteger> part = added.subList(t * 20_000, (t + 1) * 20_000);
                work.add(threads.submit(() -> {
                    for (BigInteger serial : part) {
                        set.add(serial);
                        if (!set.contains(serial)) {
                            throw new AssertionError("just added, not found: " + serial.toString(16));
                        }
                    }
                    return null;
                }));
            }
            work.add(threads.submit(() -> {
                // A reader during merges: what was there before is never missed.
                for (int round = 0; round < 5; round++) {
                    for (BigInteger serial : first) {
                        if (!set.contains(serial)) {
                            throw new AssertionError("lost during a merge: " + serial.toString(16));
                        }
                    }
                }
                return null;
            }));
            for (Future<?> future : work) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }
        Set<BigInteger> all = new HashSet<>(first);
        all.addAll(added);
        assertThat(set.size()).isEqualTo(all.size());
        assertThat(set.unmerged()).as("most are in the arrays").isLessThan(all.size() / 8);
        for (BigInteger serial : all) {
            assertThat(set.contains(serial)).isTrue();
        }
    }
}
