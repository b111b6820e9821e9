package dev.scepter.authority.validity;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of certificate serial numbers that scales to millions: 20 bytes a serial, where a
 * {@code Set<BigInteger>} takes about 100 (the BigInteger, its int[] and the hash table's node).
 *
 * <p>A serial of up to 160 bits (every serial RFC 5280 section 4.1.2.2 allows: at most 20
 * octets, positive; Scepter's own are 20 random-and-GUID octets, ARCHITECTURE.md "Data") is kept
 * as three numbers in sorted primitive arrays, its high and middle 64 bits in {@code long[]} and
 * its low 32 bits in {@code int[]}, and found by binary search. An exact set of random 160-bit
 * values cannot take much less (about 160 - log2(n) bits each), and an inexact one (a Bloom
 * filter, a 64-bit fingerprint) would either send hits to the store or risk calling a serial we
 * never issued "issued", which OCSP then answers "good".
 *
 * <p>Serials added one by one (as this node issues them) go to a small hash set first and are
 * merged into the sorted arrays once it holds {@link #mergeAt} of them, or at the next
 * {@link #addAll}; a merge copies the arrays once, so adding n serials this way costs O(n) copies
 * in total, not O(n) each. Readers never lock: the sorted arrays are replaced whole, and a
 * serial leaves the hash set only after the arrays that hold it are published. A serial that
 * does not fit 160 bits (a negative one, or a longer one, from a store another product filled)
 * stays in the hash set. Thread-safe.
 */
final class SerialSet {

    /** Serials kept in the hash set before a merge, at least. */
    static final int MERGE_AT_LEAST = 4_096;

    /** Immutable once published: entry i is (words[2i], words[2i + 1], low[i]), sorted as unsigned numbers. */
    private record Sorted(long[] words, int[] low) {
        int size() {
            return low.length;
        }

        boolean contains(long high, long middle, int lowBits) {
            int from = 0;
            int to = low.length - 1;
            while (from <= to) {
                int mid = (from + to) >>> 1;
                int order = compare(words[2 * mid], words[2 * mid + 1], low[mid], high, middle, lowBits);
                if (order < 0) {
                    from = mid + 1;
                } else if (order > 0) {
                    to = mid - 1;
                } else {
                    return true;
                }
            }
            return false;
        }
    }

    private static final Sorted EMPTY = new Sorted(new long[0], new int[0]);

    private volatile Sorted sorted = EMPTY;
    private final Set<BigInteger> recent = ConcurrentHashMap.newKeySet();
    private final int mergeAt;

    SerialSet() {
        this(MERGE_AT_LEAST);
    }

    /** @param mergeAt serials kept in the hash set before a merge, at least */
    SerialSet(int mergeAt) {
        this.mergeAt = mergeAt;
    }

    boolean contains(BigInteger serial) {
        // The hash set first, then the arrays: a merge publishes the arrays before it removes their
        // serials from the hash set, so a serial not in the hash set any more is in the arrays this
        // reads next. Read the other way round, a merge between the two reads hid the serial from both.
        if (recent.contains(serial)) {
            return true;
        }
        if (!fits(serial)) {
            return false;
        }
        byte[] bytes = serial.toByteArray();
        return sorted.contains(word(bytes, 12), word(bytes, 4), (int) word(bytes, 0));
    }

    void add(BigInteger serial) {
        if (contains(serial)) {
            return;
        }
        recent.add(serial);
        if (full()) {
            synchronized (this) {
                // Another thread may have merged while this one waited.
                if (full()) {
                    merge(List.of());
                }
            }
        }
    }

    /** Merged at a sixteenth of the arrays at least: each merge copies them, so the copies stay O(1) a serial. */
    private boolean full() {
        return recent.size() >= Math.max(mergeAt, sorted.size() / 16);
    }

    /** Adds many at once (the store's serials at start): one merge. */
    void addAll(Collection<BigInteger> serials) {
        merge(serials);
    }

    /** Serials in the set. */
    int size() {
        return sorted.size() + recent.size();
    }

    /** Bytes of the sorted arrays' contents: 20 a serial. */
    long sortedBytes() {
        Sorted now = sorted;
        return 8L * now.words().length + 4L * now.low().length;
    }

    /** Serials in the hash set, waiting for a merge (or too long to go in the arrays). */
    int unmerged() {
        return recent.size();
    }

    private synchronized void merge(Collection<BigInteger> more) {
        List<BigInteger> moving = new ArrayList<>(recent.size() + more.size());
        for (BigInteger serial : recent) {
            if (fits(serial)) {
                moving.add(serial);
            }
        }
        List<BigInteger> staying = new ArrayList<>();
        for (BigInteger serial : more) {
            if (fits(serial)) {
                moving.add(serial);
            } else {
                staying.add(serial);
            }
        }
        BigInteger[] adding = moving.toArray(BigInteger[]::new);
        // For positive numbers of at most 160 bits, numeric order is the unsigned order of (high, middle, low).
        Arrays.sort(adding);
        Sorted old = sorted;
        long[] words = new long[2 * (old.size() + adding.length)];
        int[] low = new int[old.size() + adding.length];
        int i = 0;
        int j = 0;
        int n = 0;
        long[] next = new long[3];
        while (i < old.size() || j < adding.length) {
            if (j < adding.length) {
                encode(adding[j], next);
            }
            int order = i == old.size() ? 1 : j == adding.length ? -1
                    : compare(old.words()[2 * i], old.words()[2 * i + 1], old.low()[i], next[0], next[1], (int) next[2]);
            if (order < 0 || order == 0) {
                words[2 * n] = old.words()[2 * i];
                words[2 * n + 1] = old.words()[2 * i + 1];
                low[n] = old.low()[i];
                i++;
                if (order == 0) {
                    j++;
                }
            } else {
                if (n > 0 && words[2 * n - 2] == next[0] && words[2 * n - 1] == next[1] && low[n - 1] == (int) next[2]) {
                    // The same serial twice in what is added.
                    j++;
                    continue;
                }
                words[2 * n] = next[0];
                words[2 * n + 1] = next[1];
                low[n] = (int) next[2];
                j++;
            }
            n++;
        }
        sorted = n == low.length ? new Sorted(words, low) : new Sorted(Arrays.copyOf(words, 2 * n), Arrays.copyOf(low, n));
        // Only now that the arrays hold them: a reader finds each serial in one place or the other throughout.
        for (BigInteger serial : moving) {
            recent.remove(serial);
        }
        recent.addAll(staying);
    }

    private static boolean fits(BigInteger serial) {
        return serial.signum() >= 0 && serial.bitLength() <= 160;
    }

    private static void encode(BigInteger serial, long[] into) {
        byte[] bytes = serial.toByteArray();
        into[0] = word(bytes, 12);
        into[1] = word(bytes, 4);
        into[2] = word(bytes, 0) & 0xFFFF_FFFFL;
    }

    /**
     * The 64 bits of a big-endian two's-complement number that start {@code shift} bytes from
     * its least significant end (bits beyond the array are 0: the number is not negative).
     */
    private static long word(byte[] bigEndian, int shift) {
        long value = 0;
        for (int k = 7; k >= 0; k--) {
            int index = bigEndian.length - 1 - shift - k;
            value = (value << 8) | (index >= 0 ? bigEndian[index] & 0xFF : 0);
        }
        return value;
    }

    private static int compare(long high1, long middle1, int low1, long high2, long middle2, int low2) {
        int order = Long.compareUnsigned(high1, high2);
        if (order != 0) {
            return order;
        }
        order = Long.compareUnsigned(middle1, middle2);
        return order != 0 ? order : Integer.compareUnsigned(low1, low2);
    }
}
