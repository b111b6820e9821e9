package dev.scepter.authority.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Where one-time SCEP challenges are kept, hashed; nodes sharing the store share them. */
public interface OneTimeChallengeStore {

    /**
     * A challenge as stored: its value is never kept.
     *
     * @param valueHash    SHA-256 of the value
     * @param boundSubject a CN or SAN value the request must carry, if the challenge was minted for one
     * @param expiresAt    when it stops working
     */
    record Stored(byte[] valueHash, Optional<String> boundSubject, Instant expiresAt) {
        public Stored {
            valueHash = valueHash.clone();
            Objects.requireNonNull(boundSubject, "boundSubject");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public byte[] valueHash() {
            return valueHash.clone();
        }
    }

    void save(Stored challenge);

    /** The challenge with this hash, while it is unused and unexpired at {@code now}. */
    Optional<Stored> findUsable(byte[] valueHash, Instant now);

    /**
     * Marks it used, atomically: of several nodes or threads consuming one challenge, exactly
     * one gets {@code true}.
     */
    boolean consume(byte[] valueHash, Instant now);

    /**
     * Gives back, unused, the challenge that {@link #consume} marked used at {@code consumedAt}
     * when the request it let through got no certificate (an outage after it was accepted), so
     * that the device can try again. Atomically and only while it is still marked used at that
     * very instant: a challenge never consumed, or consumed again after an earlier release, stays
     * as it is, so a node gives back only its own use and never one a certificate was issued for.
     *
     * @return whether it was given back
     */
    boolean release(byte[] valueHash, Instant consumedAt);
}
