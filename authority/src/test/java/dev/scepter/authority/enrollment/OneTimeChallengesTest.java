package dev.scepter.authority.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.Csrs;
import dev.scepter.authority.MutableClock;
import dev.scepter.authority.TestCa;
import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.OneTimeChallengeStore;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OneTimeChallengesTest {

    /** The store's contract as the JDBC adapter keeps it (its own suite runs on H2 and PostgreSQL). */
    static final class MemoryStore implements OneTimeChallengeStore {
        final Map<ByteBuffer, Stored> stored = new HashMap<>();
        final Map<ByteBuffer, Instant> used = new HashMap<>();

        @Override
        public synchronized void save(Stored challenge) {
            stored.put(ByteBuffer.wrap(challenge.valueHash()), challenge);
        }

        @Override
        public synchronized Optional<Stored> findUsable(byte[] valueHash, Instant now) {
            ByteBuffer key = ByteBuffer.wrap(valueHash);
            return Optional.ofNullable(stored.get(key)).filter(c -> !used.containsKey(key) && now.isBefore(c.expiresAt()));
        }

        @Override
        public synchronized boolean consume(byte[] valueHash, Instant now) {
            if (findUsable(valueHash, now).isEmpty()) {
                return false;
            }
            used.put(ByteBuffer.wrap(valueHash), now);
            return true;
        }

        @Override
        public synchronized boolean release(byte[] valueHash, Instant consumedAt) {
            return used.remove(ByteBuffer.wrap(valueHash), consumedAt);
        }
    }

    private static KeyPair keys;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));
    private final List<AuditEvent> audited = new ArrayList<>();
    private final MemoryStore store = new MemoryStore();
    private final OneTimeChallenges challenges = new OneTimeChallenges(store, new AuditLog() {
        @Override
        public void append(AuditEvent event) {
            audited.add(event);
        }

        @Override
        public List<AuditEvent> latest(int limit) {
            return audited;
        }
    }, clock, new SecureRandom());

    @BeforeAll
    static void key() throws Exception {
        keys = TestCa.rsa();
    }

    @Test
    void aChallengeWorksOnceIsPrintableIsStoredOnlyAsAHashAndIsAudited() throws Exception {
        OneTimeChallenges.Minted minted = challenges.mint("ci", Optional.empty(), Duration.ofMinutes(60));
        var csr = Csrs.forKey(keys).build();

        assertThat(minted.value()).matches("[A-Za-z0-9_-]{32}");
        assertThat(minted.toString()).doesNotContain(minted.value());
        assertThat(store.stored.values()).allSatisfy(s -> assertThat(new String(s.valueHash(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(minted.value()));
        assertThat(challenges.accepts(EnrollmentContexts.withChallenge(Optional.of(minted.value()), csr))).isTrue();
        assertThat(challenges.accepts(EnrollmentContexts.withChallenge(Optional.of(minted.value()), csr))).as("a replay").isFalse();
        assertThat(audited).extracting(AuditEvent::action).containsExactly("challenge.create");
    }

    @Test
    void anExpiredChallengeIsRefused() throws Exception {
        OneTimeChallenges.Minted minted = challenges.mint("ci", Optional.empty(), Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5));
        assertThat(challenges.accepts(EnrollmentContexts.withChallenge(Optional.of(minted.value()), Csrs.forKey(keys).build()))).isFalse();
    }

    @Test
    void aChallengeForOneSubjectIsRefusedForAnotherAndStaysUsableForItsOwn() throws Exception {
        OneTimeChallenges.Minted minted = challenges.mint("ci", Optional.of("device-7"), Duration.ofMinutes(60));
        assertThat(challenges.accepts(EnrollmentContexts.withChallenge(Optional.of(minted.value()), Csrs.forKey(keys).subject("CN=device-8").build()))).isFalse();
        assertThat(challenges.accepts(EnrollmentContexts.withChallenge(Optional.of(minted.value()), Csrs.forKey(keys).subject("CN=other").dnsName("DEVICE-7").build()))).isTrue();
    }

    @Test
    void anAcceptanceGivesBackOnlyTheChallengeItUsedAndOnlyOnce() throws Exception {
        OneTimeChallenges.Minted minted = challenges.mint("ci", Optional.empty(), Duration.ofMinutes(60));
        var context = EnrollmentContexts.withChallenge(Optional.of(minted.value()), Csrs.forKey(keys).build());
        ChallengeVerifier either = new StaticChallengeVerifier("s3cret").or(challenges);

        java.time.Instant firstUse = clock.instant();
        ChallengeVerifier.Acceptance first = either.accept(context).orElseThrow();
        assertThat(either.accept(context)).as("used").isEmpty();
        first.giveBack();
        clock.advance(Duration.ofSeconds(1));
        ChallengeVerifier.Acceptance second = either.accept(context).orElseThrow();
        assertThat(store.release(dev.scepter.authority.Secrets.sha256(minted.value()), firstUse))
                .as("the store gives back only the use it is told the instant of").isFalse();
        first.giveBack();
        assertThat(either.accept(context)).as("an earlier acceptance gives back nothing it does not hold").isEmpty();

        ChallengeVerifier.Acceptance byStatic = either.accept(EnrollmentContexts.withChallenge(Optional.of("s3cret"), Csrs.forKey(keys).build()))
                .orElseThrow();
        byStatic.giveBack();
        assertThat(either.accept(context)).as("the static challenge's acceptance touches no one-time challenge").isEmpty();
        second.giveBack();
        assertThat(either.accept(context)).isPresent();
    }

    @Test
    void anEstPasswordIsJudgedInsteadOfTheRequestsChallenge() throws Exception {
        OneTimeChallenges.Minted minted = challenges.mint("ci", Optional.empty(), Duration.ofMinutes(60));
        var carriesNone = EnrollmentContexts.withChallenge(Optional.empty(), Csrs.forKey(keys).build());
        var carriesAnother = EnrollmentContexts.withChallenge(Optional.of("other"), Csrs.forKey(keys).build());

        assertThat(challenges.presented("wrong").accept(carriesNone)).isEmpty();
        assertThat(challenges.presented(minted.value()).accept(carriesAnother)).isPresent();
        assertThat(challenges.presented(minted.value()).accepts(carriesNone)).as("used").isFalse();
    }

    @Test
    void lifetimesAreBounded() {
        assertThatThrownBy(() -> challenges.mint("ci", Optional.empty(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> challenges.mint("ci", Optional.empty(), Duration.ofDays(31))).isInstanceOf(IllegalArgumentException.class);
    }
}
