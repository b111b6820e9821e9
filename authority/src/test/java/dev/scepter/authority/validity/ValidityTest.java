package dev.scepter.authority.validity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.InMemoryCertificateStore;
import dev.scepter.authority.MutableClock;
import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.issuance.SerialNumbers;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ValidityTest {

    private static final String ISSUER = "CN=Test Root CA";
    private static final BigInteger CA_SERIAL = BigInteger.valueOf(1);
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    /** A directory whose answers the test sets; counts lookups. */
    static final class SettableDirectory implements Directory {
        final Map<UUID, DirectoryAnswer> answers = new HashMap<>();
        final AtomicInteger lookups = new AtomicInteger();
        /**
         * The kinds asked for, in order. Not a copy-on-write list: a test that fills the cache asks
         * 200,000 times, and copying the list on each add took that test 26 s.
         */
        final List<DirectoryObjectType> askedFor = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        boolean down;
        /** What happens after an answer is read and before it is returned. */
        Runnable whileAnswering = () -> { };

        @Override
        public DirectoryAnswer lookup(DirectoryObjectType type, UUID objectId) {
            lookups.incrementAndGet();
            askedFor.add(type);
            if (down) {
                throw new DirectoryUnavailableException("directory down", null);
            }
            DirectoryAnswer answer = answers.getOrDefault(objectId, DirectoryAnswer.NOT_FOUND);
            whileAnswering.run();
            return answer;
        }

        @Override
        public Optional<UUID> findUserByPrincipalName(String userPrincipalName) {
            return Optional.empty();
        }

        @Override
        public Optional<String> securityIdentifier(DirectoryObjectType type, UUID objectId) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "settable";
        }
    }

    private final InMemoryCertificateStore store = new InMemoryCertificateStore();
    private final SettableDirectory directory = new SettableDirectory();
    private final SerialNumbers serials = new SerialNumbers(new SecureRandom());
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final RevocationIndex revocations = new RevocationIndex(store, ISSUER);
    private final IssuedSerialIndex issued = new IssuedSerialIndex(store, ISSUER, clock, Duration.ofSeconds(5));
    private final Validity validity = new Validity(CA_SERIAL, revocations, issued, directory, clock);

    private BigInteger record(BigInteger serial) {
        store.record(new IssuedCertificate(serial, ISSUER, "CN=x", List.of(), NOW, NOW.plus(Duration.ofDays(1)), "static", "test",
                Optional.empty(), Optional.empty(), Optional.empty(), new byte[] {1}));
        return serial;
    }

    @Test
    void anUnboundCertificateIsGoodUntilRevokedByHandWithItsReason() {
        BigInteger serial = record(serials.unbound(0x50));
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Good());

        Revocation revocation = new Revocation(1, NOW, "admin");
        store.revoke(ISSUER, serial, revocation);
        assertThat(validity.statusOf(serial)).as("not before the index is refreshed").isEqualTo(new CertificateStatus.Good());
        revocations.refresh();
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Revoked(1, NOW));
        assertThat(directory.lookups).hasValue(0);
    }

    @Test
    void aBoundCertificateFollowsItsDirectoryObject() {
        UUID device = UUID.randomUUID();
        BigInteger serial = record(serials.bound(0x40, device));

        directory.answers.put(device, DirectoryAnswer.ENABLED);
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Good());
        directory.answers.put(device, DirectoryAnswer.DISABLED);
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.OnHold(NOW));
        directory.answers.put(device, DirectoryAnswer.ENABLED);
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Good());
        directory.answers.remove(device);
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Revoked(RevocationReasons.PERMANENT_AUTOMATIC, NOW));
    }

    @Test
    void aNonCompliantDeviceIsOnHoldAndARetiredOneRevokedForGood() {
        UUID device = UUID.randomUUID();
        BigInteger serial = record(serials.bound(0x41, device));
        directory.answers.put(device, DirectoryAnswer.NOT_COMPLIANT);
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.OnHold(NOW));
        directory.answers.put(device, DirectoryAnswer.RETIRED);
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Revoked(RevocationReasons.PERMANENT_AUTOMATIC, NOW));
    }

    @Test
    void aManualRevocationWinsOverAnEnabledObject() {
        UUID user = UUID.randomUUID();
        BigInteger serial = record(serials.bound(0x60, user));
        directory.answers.put(user, DirectoryAnswer.ENABLED);
        revocations.add(serial, new Revocation(4, NOW, "admin"));
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Revoked(4, NOW));
    }

    @Test
    void aSerialWeNeverIssuedIsUnknownAndTheStoreIsAskedOnlyOnceWithinTheCache() {
        BigInteger stranger = serials.unbound(0x50);
        assertThat(validity.statusOf(stranger)).isEqualTo(new CertificateStatus.Unknown());
        assertThat(validity.statusOf(stranger)).isEqualTo(new CertificateStatus.Unknown());
        assertThat(store.finds).hasValue(1);
    }

    @Test
    void issuedSerialsLoadedAtStartNeedNoStoreRead() {
        BigInteger serial = record(serials.unbound(0x50));
        issued.refresh();
        store.finds.set(0);
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Good());
        assertThat(store.finds).hasValue(0);
    }

    @Test
    void theCaCertificateItselfIsGood() {
        assertThat(validity.statusOf(CA_SERIAL)).isEqualTo(new CertificateStatus.Good());
    }

    @Test
    void aDirectoryThatCannotAnswerIsNotTakenForNotFound() {
        BigInteger serial = record(serials.bound(0x40, UUID.randomUUID()));
        directory.down = true;
        assertThatThrownBy(() -> validity.statusOf(serial)).isInstanceOf(DirectoryUnavailableException.class);
    }

    @Test
    void theCachingDirectoryAsksOnceWithinItsBoundAndAgainAfter() {
        UUID device = UUID.randomUUID();
        directory.answers.put(device, DirectoryAnswer.ENABLED);
        MutableClock moving = new MutableClock(NOW);
        CachingDirectory cached = new CachingDirectory(directory, moving, Duration.ofSeconds(5));
        assertThat(cached.lookup(DirectoryObjectType.DEVICE, device)).isEqualTo(DirectoryAnswer.ENABLED);
        directory.answers.put(device, DirectoryAnswer.DISABLED);
        assertThat(cached.lookup(DirectoryObjectType.DEVICE, device)).isEqualTo(DirectoryAnswer.ENABLED);
        moving.advance(java.time.Duration.ofSeconds(6));
        assertThat(cached.lookup(DirectoryObjectType.DEVICE, device)).isEqualTo(DirectoryAnswer.DISABLED);
        assertThat(directory.lookups).hasValue(2);
    }

    @Test
    void theCachingDirectoryKeepsTheMostRecentAnswersWhenFullNotNone() {
        MutableClock moving = new MutableClock(NOW);
        CachingDirectory cached = new CachingDirectory(directory, moving, Duration.ofDays(1));
        List<UUID> asked = new java.util.ArrayList<>();
        int total = CachingDirectory.MAX_ENTRIES + 500;
        for (int i = 0; i < total; i++) {
            UUID device = UUID.randomUUID();
            asked.add(device);
            cached.lookup(DirectoryObjectType.DEVICE, device);
        }
        assertThat(cached.size()).isLessThanOrEqualTo(CachingDirectory.MAX_ENTRIES);
        int before = directory.lookups.get();
        for (UUID recent : asked.subList(total - 1_000, total)) {
            cached.lookup(DirectoryObjectType.DEVICE, recent);
        }
        assertThat(directory.lookups.get() - before).as("the 1000 most recent answers, from before and after the cache filled, are still cached").isZero();
    }

    @Test
    void anAnswerReadWhileItsObjectChangedIsNotKept() {
        UUID device = UUID.randomUUID();
        directory.answers.put(device, DirectoryAnswer.ENABLED);
        CachingDirectory cached = new CachingDirectory(directory, new MutableClock(NOW), Duration.ofSeconds(5));
        // The object is disabled (and forgotten, as the API does) while the enabled answer is on its way.
        directory.whileAnswering = () -> {
            directory.answers.put(device, DirectoryAnswer.DISABLED);
            cached.forget(device);
        };

        assertThat(cached.lookup(DirectoryObjectType.DEVICE, device)).isEqualTo(DirectoryAnswer.ENABLED);
        directory.whileAnswering = () -> { };
        assertThat(cached.lookup(DirectoryObjectType.DEVICE, device)).as("the stale answer was not kept").isEqualTo(DirectoryAnswer.DISABLED);
    }

    @Test
    void aDirectoryThatFailedIsNotAskedAgainForASecond() {
        MutableClock moving = new MutableClock(NOW);
        CachingDirectory cached = new CachingDirectory(directory, moving, Duration.ofSeconds(5));
        directory.down = true;
        assertThatThrownBy(() -> cached.lookup(DirectoryObjectType.DEVICE, UUID.randomUUID())).isInstanceOf(DirectoryUnavailableException.class);
        assertThatThrownBy(() -> cached.lookup(DirectoryObjectType.DEVICE, UUID.randomUUID())).isInstanceOf(DirectoryUnavailableException.class);
        assertThat(directory.lookups).as("the second lookup fails at once").hasValue(1);
        directory.down = false;
        moving.advance(CachingDirectory.AFTER_FAILURE);
        assertThat(cached.lookup(DirectoryObjectType.DEVICE, UUID.randomUUID())).isEqualTo(DirectoryAnswer.NOT_FOUND);
    }

    @Test
    void theSerialCarriesTheBindingInScepmansLayout() {
        assertThat(ObjectBinding.of(new BigInteger("4039b3bb1484b5d6ed606b42b382276a3e8d626d", 16)))
                .contains(new ObjectBinding(DirectoryObjectType.DEVICE, UUID.fromString("d6b58414-60ed-426b-b382-276a3e8d626d")));
        UUID user = UUID.randomUUID();
        assertThat(ObjectBinding.of(serials.bound(0x61, user))).contains(new ObjectBinding(DirectoryObjectType.USER, user));
        assertThat(ObjectBinding.of(serials.unbound(0x50))).isEmpty();
        assertThat(ObjectBinding.of(BigInteger.TEN)).isEmpty();
    }

    @Test
    void theTypeByteTellsAnIntuneDeviceIdFromAnEntraDeviceId() {
        // ARCHITECTURE.md "Data": an even type byte binds by Entra device id, an odd one by Intune device id.
        UUID id = UUID.randomUUID();
        assertThat(ObjectBinding.of(serials.bound(0x40, id))).contains(new ObjectBinding(DirectoryObjectType.DEVICE, id));
        assertThat(ObjectBinding.of(serials.bound(0x42, id))).as("Intune non-compliant device, even")
                .contains(new ObjectBinding(DirectoryObjectType.DEVICE, id));
        assertThat(ObjectBinding.of(serials.bound(0x41, id))).contains(new ObjectBinding(DirectoryObjectType.INTUNE_DEVICE, id));
        assertThat(ObjectBinding.of(serials.bound(0x60, id))).contains(new ObjectBinding(DirectoryObjectType.USER, id));
        assertThat(ObjectBinding.of(serials.bound(0x61, id))).as("Intune's user id is the Entra object id")
                .contains(new ObjectBinding(DirectoryObjectType.USER, id));
    }

    @Test
    void theDirectoryIsAskedForTheKindOfIdTheSerialCarries() {
        UUID id = UUID.randomUUID();
        directory.answers.put(id, DirectoryAnswer.ENABLED);
        assertThat(validity.statusOf(record(serials.bound(0x41, id)))).isEqualTo(new CertificateStatus.Good());
        assertThat(validity.statusOf(record(serials.bound(0x40, id)))).isEqualTo(new CertificateStatus.Good());
        assertThat(directory.askedFor).containsExactly(DirectoryObjectType.INTUNE_DEVICE, DirectoryObjectType.DEVICE);
    }

    @Test
    void aChangedObjectIsForgottenUnderEveryKindItWasAskedBy() {
        // The embedded and LDAP directories answer an Intune device id as a device: the API's change
        // to the device must reach the cached answer for its Intune-bound certificates too.
        UUID device = UUID.randomUUID();
        directory.answers.put(device, DirectoryAnswer.ENABLED);
        CachingDirectory cached = new CachingDirectory(directory, new MutableClock(NOW), Duration.ofMinutes(5));
        assertThat(cached.lookup(DirectoryObjectType.INTUNE_DEVICE, device)).isEqualTo(DirectoryAnswer.ENABLED);
        assertThat(cached.lookup(DirectoryObjectType.DEVICE, device)).isEqualTo(DirectoryAnswer.ENABLED);

        directory.answers.put(device, DirectoryAnswer.DISABLED);
        cached.forget(device);
        assertThat(cached.lookup(DirectoryObjectType.INTUNE_DEVICE, device)).isEqualTo(DirectoryAnswer.DISABLED);
        assertThat(cached.lookup(DirectoryObjectType.DEVICE, device)).isEqualTo(DirectoryAnswer.DISABLED);
    }

    @Test
    void aDomainControllerCertificateIsBoundToNothingAndGoodUntilRevokedByHand() {
        // /dc serials hold random bytes after 0x70: read as a GUID they would name an object no
        // directory has, and OCSP would call every DC certificate revoked.
        BigInteger serial = record(serials.unbound(0x70));
        assertThat(ObjectBinding.of(serial)).isEmpty();
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Good());
        assertThat(directory.lookups).hasValue(0);
        store.revoke(ISSUER, serial, new Revocation(1, NOW, "admin"));
        revocations.refresh();
        assertThat(validity.statusOf(serial)).isEqualTo(new CertificateStatus.Revoked(1, NOW));
    }
}
