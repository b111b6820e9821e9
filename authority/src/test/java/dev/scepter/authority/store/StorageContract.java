package dev.scepter.authority.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.directory.DirectoryAnswer;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.DirectoryUnavailableException;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.directory.EmbeddedDirectory.Entry;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} adapter must do, through the port: run once per backend by a subclass
 * that says how to get an empty one (today H2 and PostgreSQL in store-jdbc; Azure Table Storage
 * next). {@link #storage} is open on an empty backend when a test starts; a test may close it and
 * {@link #openStorage()} the same backend again.
 *
 * <p>A few checks look past the port at what the adapter keeps (the serial's stored form, one
 * record per directory object, the roles' stored form) and one sets the time a certificate was
 * recorded, which only the backend sets otherwise: each adapter answers those hooks in its own
 * terms. This class ships in scepter-authority's test-jar, so another adapter module reuses it
 * without depending on any adapter.
 */
public abstract class StorageContract {

    protected static final String ISSUER = "CN=Scepter Test CA,O=Scepter";
    private static final SecureRandom RANDOM = new SecureRandom();

    protected Storage storage;

    /** Makes the backend that {@link #openStorage()} opens for this test, empty. */
    protected abstract void prepareEmptyDatabase();

    /** Opens this test's backend; every call within one test opens the same one. */
    protected abstract Storage openStorage();

    /** Sets the time the backend recorded a certificate at, which it otherwise sets itself. */
    protected abstract void setIssuedAt(IssuedCertificate certificate, Instant issuedAt) throws Exception;

    /** The serial number of the only certificate recorded, as the backend keeps it. */
    protected abstract String storedSerialNumber() throws Exception;

    /** How many objects of this type the embedded directory keeps, read straight from the backend. */
    protected abstract long storedDirectoryObjects(DirectoryObjectType type) throws Exception;

    /** How many objects of this type the backend keeps with the time of their last update. */
    protected abstract long storedDirectoryObjectsWithUpdateTime(DirectoryObjectType type) throws Exception;

    /** The roles of the only API token, as the backend keeps them. */
    protected abstract String storedTokenRoles() throws Exception;

    @BeforeEach
    void openEmptyStorage() {
        prepareEmptyDatabase();
        storage = openStorage();
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    // --- certificates -------------------------------------------------------------------------

    @Test
    void recordsAndFindsEveryFieldOfACertificate() {
        IssuedCertificate full = new IssuedCertificate(
                serial(0x40), ISSUER, "CN=device-1,OU=Devices",
                List.of("dns:device-1.example", "upn:alice@example.com", "uri:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1"),
                Instant.parse("2025-03-01T10:15:30Z"), Instant.parse("2026-03-01T10:15:30Z"),
                "intune", "Intune", Optional.of("4F7A0C19B2D3"),
                Optional.of(new DirectoryBinding(DirectoryObjectType.INTUNE_DEVICE, UUID.randomUUID())),
                Optional.of(new Revocation(1, Instant.parse("2025-04-02T08:00:00.123456Z"), "admin@example.com")),
                der(1200));
        IssuedCertificate bare = new IssuedCertificate(
                serial(0x50), ISSUER, "CN=printer", List.of(),
                Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59Z"),
                "static", "challenge", Optional.empty(), Optional.empty(), Optional.empty(), der(300));

        storage.certificateStore().record(full);
        storage.certificateStore().record(bare);

        assertSameRecord(storage.certificateStore().find(ISSUER, full.serialNumber()).orElseThrow(), full);
        assertSameRecord(storage.certificateStore().find(ISSUER, bare.serialNumber()).orElseThrow(), bare);
    }

    @Test
    void everyBindingKindRoundTrips() {
        for (DirectoryObjectType kind : DirectoryObjectType.values()) {
            IssuedCertificate certificate = withBinding(certificate(serial(0x40)), new DirectoryBinding(kind, UUID.randomUUID()));
            storage.certificateStore().record(certificate);
            assertThat(storage.certificateStore().find(ISSUER, certificate.serialNumber()).orElseThrow().binding())
                    .isEqualTo(certificate.binding());
        }
    }

    @Test
    void findsNothingForAnUnknownSerialOrAnotherIssuer() {
        IssuedCertificate certificate = certificate(serial(0x50));
        storage.certificateStore().record(certificate);

        assertThat(storage.certificateStore().find(ISSUER, serial(0x50))).isEmpty();
        assertThat(storage.certificateStore().find("CN=Other CA", certificate.serialNumber())).isEmpty();
    }

    @Test
    void keepsTheSerialAsUpperCaseHexAndFindsSerialsWithLeadingZeroNibbles() throws Exception {
        IssuedCertificate small = certificate(new BigInteger("0a0b0c", 16));
        storage.certificateStore().record(small);

        assertThat(storage.certificateStore().find(ISSUER, BigInteger.valueOf(0x0a0b0c))).isPresent();
        assertThat(storedSerialNumber()).isEqualTo("A0B0C").isEqualTo(small.serialHex());
    }

    @Test
    void aDuplicateSerialFromTheSameIssuerCollidesAndLeavesTheFirstRecordAsItWas() {
        IssuedCertificate first = certificate(serial(0x50));
        storage.certificateStore().record(first);
        IssuedCertificate second = new IssuedCertificate(first.serialNumber(), ISSUER, "CN=someone else", List.of("dns:other"),
                first.notBefore(), first.notAfter(), "api", "token-2", Optional.of("T2"), Optional.empty(), Optional.empty(),
                der(500));

        assertThatThrownBy(() -> storage.certificateStore().record(second))
                .isInstanceOf(SerialNumberCollisionException.class)
                .hasMessageContaining(first.serialNumber().toString(16));

        assertSameRecord(storage.certificateStore().find(ISSUER, first.serialNumber()).orElseThrow(), first);
        assertThat(storage.certificateStore().count()).isEqualTo(1);
    }

    @Test
    void theSameSerialFromAnotherIssuerIsAnotherCertificate() {
        IssuedCertificate mine = certificate(serial(0x50));
        IssuedCertificate theirs = new IssuedCertificate(mine.serialNumber(), "CN=Other CA", "CN=theirs", List.of(),
                mine.notBefore(), mine.notAfter(), "scep", "challenge", Optional.empty(), Optional.empty(), Optional.empty(),
                der(400));

        storage.certificateStore().record(mine);
        storage.certificateStore().record(theirs);

        assertThat(storage.certificateStore().count()).isEqualTo(2);
        assertThat(storage.certificateStore().find(ISSUER, mine.serialNumber()).orElseThrow().subject()).isEqualTo("CN=device");
        assertThat(storage.certificateStore().find("CN=Other CA", mine.serialNumber()).orElseThrow().subject()).isEqualTo("CN=theirs");
    }

    @Test
    void countsRecordedCertificates() {
        assertThat(storage.certificateStore().count()).isZero();
        for (int i = 0; i < 5; i++) {
            storage.certificateStore().record(certificate(serial(0x50)));
        }
        assertThat(storage.certificateStore().count()).isEqualTo(5);
    }

    @Test
    void aSubjectAltNameWithALineBreakIsRefused() {
        IssuedCertificate certificate = new IssuedCertificate(serial(0x50), ISSUER, "CN=x", List.of("dns:a\ndns:b"),
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), "api", "t",
                Optional.empty(), Optional.empty(), Optional.empty(), der(10));

        assertThatThrownBy(() -> storage.certificateStore().record(certificate)).isInstanceOf(IllegalArgumentException.class);
        assertThat(storage.certificateStore().count()).isZero();
    }

    @Test
    void everythingRecordedIsThereAfterReopening() {
        IssuedCertificate certificate = certificate(serial(0x40));
        ApiToken token = token("ops", ApiRole.MANAGE_ALL);
        AuditEvent event = new AuditEvent(Instant.parse("2025-05-01T12:00:00Z"), "installer", "token.create", "ops", "success");
        storage.certificateStore().record(certificate);
        storage.apiTokenStore().create(token);
        storage.auditLog().append(event);
        storage.close();

        storage = openStorage();

        assertSameRecord(storage.certificateStore().find(ISSUER, certificate.serialNumber()).orElseThrow(), certificate);
        assertSameToken(storage.apiTokenStore().findByValueHash(token.valueHash()).orElseThrow(), token);
        assertThat(storage.auditLog().latest(10)).containsExactly(event);
    }

    @Test
    void recordsFromManyThreadsAtOnceAreAllKept() throws Exception {
        int threads = 6;
        int each = 20;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(() -> {
                for (int i = 0; i < each; i++) {
                    storage.certificateStore().record(certificate(serial(0x50)));
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (Future<Void> result : pool.invokeAll(tasks, 2, TimeUnit.MINUTES)) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(storage.certificateStore().count()).isEqualTo(threads * each);
    }

    @Test
    void ofManyThreadsRecordingTheSameSerialAtOnceExactlyOneWins() throws Exception {
        int threads = 6;
        BigInteger serial = serial(0x50);
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String requester = "thread-" + t;
            tasks.add(() -> {
                start.await();
                try {
                    storage.certificateStore().record(new IssuedCertificate(serial, ISSUER, "CN=" + requester, List.of(),
                            Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), "api", requester,
                            Optional.empty(), Optional.empty(), Optional.empty(), der(100)));
                    return true;
                } catch (SerialNumberCollisionException e) {
                    return false;
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (Callable<Boolean> task : tasks) {
                results.add(pool.submit(task));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(2, TimeUnit.MINUTES) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(storage.certificateStore().count()).isEqualTo(1);
    }

    // --- manual revocation --------------------------------------------------------------------

    @Test
    void aRevocationTakesEffectOnceAndTheFirstOneStands() {
        IssuedCertificate certificate = certificate(serial(0x50));
        storage.certificateStore().record(certificate);
        Revocation first = new Revocation(1, Instant.parse("2025-06-01T10:00:00.123456Z"), "admin@example.com");
        Revocation second = new Revocation(4, Instant.parse("2025-06-02T11:00:00Z"), "someone-else");

        assertThat(storage.certificateStore().revoke(ISSUER, certificate.serialNumber(), first)).isEqualTo(RevocationOutcome.REVOKED);
        assertThat(storage.certificateStore().revoke(ISSUER, certificate.serialNumber(), second))
                .isEqualTo(RevocationOutcome.ALREADY_REVOKED);

        IssuedCertificate found = storage.certificateStore().find(ISSUER, certificate.serialNumber()).orElseThrow();
        assertThat(found.revocation()).contains(first);
        assertSameRecord(found, withRevocation(certificate, first));
    }

    @Test
    void aDeliveryHoldRecordedWithTheCertificateIsReleasedOnceAndOnlyIt() {
        Revocation hold = Revocation.deliveryHold(Instant.parse("2025-06-01T10:00:00Z"));
        IssuedCertificate released = certificate(serial(0x50));
        IssuedCertificate held = withRevocation(released, hold);
        IssuedCertificate revokedByHand = certificate(serial(0x50));
        IssuedCertificate heldByHand = certificate(serial(0x50));
        for (IssuedCertificate certificate : List.of(held, revokedByHand, heldByHand)) {
            storage.certificateStore().record(certificate);
        }
        Revocation byAdmin = new Revocation(1, Instant.parse("2025-06-01T10:00:00Z"), "admin@example.com");
        Revocation holdByAdmin = new Revocation(6, Instant.parse("2025-06-01T10:00:00Z"), "admin@example.com");
        storage.certificateStore().revoke(ISSUER, revokedByHand.serialNumber(), byAdmin);
        storage.certificateStore().revoke(ISSUER, heldByHand.serialNumber(), holdByAdmin);

        assertThat(storage.certificateStore().find(ISSUER, held.serialNumber()).orElseThrow().revocation()).contains(hold);
        assertThat(storage.certificateStore().revocations(ISSUER)).contains(new RevokedCertificate(held.serialNumber(), hold));
        assertThat(storage.certificateStore().release("CN=Other CA", held.serialNumber())).isFalse();
        assertThat(storage.certificateStore().release(ISSUER, held.serialNumber())).isTrue();
        assertThat(storage.certificateStore().release(ISSUER, held.serialNumber())).isFalse();
        assertThat(storage.certificateStore().release(ISSUER, revokedByHand.serialNumber())).isFalse();
        assertThat(storage.certificateStore().release(ISSUER, heldByHand.serialNumber())).isFalse();
        assertThat(storage.certificateStore().release(ISSUER, serial(0x50))).isFalse();

        assertSameRecord(storage.certificateStore().find(ISSUER, held.serialNumber()).orElseThrow(), released);
        assertThat(storage.certificateStore().revocations(ISSUER)).containsExactlyInAnyOrder(
                new RevokedCertificate(revokedByHand.serialNumber(), byAdmin), new RevokedCertificate(heldByHand.serialNumber(), holdByAdmin));
    }

    @Test
    void aRevocationReplacesADeliveryHoldAndIsNotReleased() {
        IssuedCertificate held = withRevocation(certificate(serial(0x50)), Revocation.deliveryHold(Instant.parse("2025-06-01T10:00:00Z")));
        storage.certificateStore().record(held);
        Revocation withheld = new Revocation(5, Instant.parse("2025-06-01T10:00:01Z"), "IntuneNotifier: delivery refused");

        assertThat(storage.certificateStore().revoke(ISSUER, held.serialNumber(), withheld)).isEqualTo(RevocationOutcome.REVOKED);
        assertThat(storage.certificateStore().release(ISSUER, held.serialNumber())).isFalse();

        assertThat(storage.certificateStore().find(ISSUER, held.serialNumber()).orElseThrow().revocation()).contains(withheld);
        assertThat(storage.certificateStore().revoke(ISSUER, held.serialNumber(), Revocation.deliveryHold(Instant.now())))
                .isEqualTo(RevocationOutcome.ALREADY_REVOKED);
    }

    @Test
    void revokingAnUnknownSerialOrAnotherIssuersSerialFindsNothing() {
        IssuedCertificate mine = certificate(serial(0x50));
        storage.certificateStore().record(mine);
        Revocation revocation = new Revocation(0, Instant.parse("2025-06-01T10:00:00Z"), "admin");

        assertThat(storage.certificateStore().revoke(ISSUER, serial(0x50), revocation)).isEqualTo(RevocationOutcome.NOT_FOUND);
        assertThat(storage.certificateStore().revoke("CN=Other CA", mine.serialNumber(), revocation))
                .isEqualTo(RevocationOutcome.NOT_FOUND);

        assertThat(storage.certificateStore().find(ISSUER, mine.serialNumber()).orElseThrow().revocation()).isEmpty();
        assertThat(storage.certificateStore().revocations(ISSUER)).isEmpty();
    }

    @Test
    void ofManyThreadsRevokingTheSameCertificateAtOnceExactlyOneRevokesIt() throws Exception {
        IssuedCertificate certificate = certificate(serial(0x50));
        storage.certificateStore().record(certificate);
        List<Revocation> revocations = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            revocations.add(new Revocation(t < 7 ? t : 8, Instant.parse("2025-06-01T10:00:00Z").plusSeconds(t), "thread-" + t));
        }

        List<RevocationOutcome> outcomes = atOnce(revocations.stream()
                .<Callable<RevocationOutcome>>map(r -> () -> storage.certificateStore().revoke(ISSUER, certificate.serialNumber(), r))
                .toList());

        assertThat(outcomes).containsOnlyOnce(RevocationOutcome.REVOKED);
        assertThat(outcomes).filteredOn(o -> o != RevocationOutcome.REVOKED).containsOnly(RevocationOutcome.ALREADY_REVOKED);
        Revocation winner = revocations.get(outcomes.indexOf(RevocationOutcome.REVOKED));
        assertThat(storage.certificateStore().find(ISSUER, certificate.serialNumber()).orElseThrow().revocation()).contains(winner);
        assertThat(storage.certificateStore().revocations(ISSUER))
                .containsExactly(new RevokedCertificate(certificate.serialNumber(), winner));
    }

    @Test
    void revocationsAreTheIssuersCertificatesRevokedByHand() {
        Revocation byRevoke = new Revocation(1, Instant.parse("2025-06-01T10:00:00.000001Z"), "admin");
        Revocation recordedRevoked = new Revocation(5, Instant.parse("2025-05-01T00:00:00Z"), "importer");
        Revocation theirs = new Revocation(3, Instant.parse("2025-06-03T00:00:00Z"), "other-admin");
        IssuedCertificate revoked = certificate(serial(0x50));
        IssuedCertificate good = certificate(serial(0x50));
        IssuedCertificate importedRevoked = withRevocation(certificate(serial(0x50)), recordedRevoked);
        IssuedCertificate otherIssuers = withIssuer(certificate(serial(0x50)), "CN=Other CA");
        for (IssuedCertificate certificate : List.of(revoked, good, importedRevoked, otherIssuers)) {
            storage.certificateStore().record(certificate);
        }
        storage.certificateStore().revoke(ISSUER, revoked.serialNumber(), byRevoke);
        storage.certificateStore().revoke("CN=Other CA", otherIssuers.serialNumber(), theirs);

        assertThat(storage.certificateStore().revocations(ISSUER)).containsExactlyInAnyOrder(
                new RevokedCertificate(revoked.serialNumber(), byRevoke),
                new RevokedCertificate(importedRevoked.serialNumber(), recordedRevoked));
        assertThat(storage.certificateStore().revocations("CN=Other CA"))
                .containsExactly(new RevokedCertificate(otherIssuers.serialNumber(), theirs));
        assertThat(storage.certificateStore().revocations("CN=Nobody")).isEmpty();
    }

    // --- serial index feed --------------------------------------------------------------------

    @Test
    void serialNumbersRecordedSinceAnInstantIncludeThatInstant() throws Exception {
        IssuedCertificate january = certificate(serial(0x50));
        IssuedCertificate february = certificate(serial(0x50));
        IssuedCertificate march = certificate(serial(0x50));
        IssuedCertificate otherIssuers = withIssuer(certificate(serial(0x50)), "CN=Other CA");
        for (IssuedCertificate certificate : List.of(january, february, march, otherIssuers)) {
            storage.certificateStore().record(certificate);
        }
        setIssuedAt(january, Instant.parse("2025-01-01T00:00:00Z"));
        setIssuedAt(february, Instant.parse("2025-02-01T00:00:00Z"));
        setIssuedAt(march, Instant.parse("2025-03-01T00:00:00Z"));
        setIssuedAt(otherIssuers, Instant.parse("2025-03-01T00:00:00Z"));

        assertThat(serialsRecordedSince(ISSUER, Instant.parse("2025-02-01T00:00:00Z")))
                .containsExactlyInAnyOrder(february.serialNumber(), march.serialNumber());
        assertThat(serialsRecordedSince(ISSUER, Instant.parse("2025-02-01T00:00:00.000001Z")))
                .containsExactly(march.serialNumber());
        assertThat(serialsRecordedSince(ISSUER, Instant.parse("2025-03-01T00:00:00.000001Z")))
                .isEmpty();
        assertThat(serialsRecordedSince(ISSUER, Instant.MIN))
                .containsExactlyInAnyOrder(january.serialNumber(), february.serialNumber(), march.serialNumber());
        assertThat(serialsRecordedSince(ISSUER, Instant.MAX)).isEmpty();
        assertThat(serialsRecordedSince("CN=Other CA", Instant.MIN))
                .containsExactly(otherIssuers.serialNumber());
    }

    @Test
    void everySerialOfMoreThanAPageIsVisitedAsItIsReadAndNoneIsLeftOut() {
        // More than a page of Table Storage's (1000) and a fetch of the JDBC store's (1000): the read crosses a page.
        java.util.Set<BigInteger> recorded = new java.util.HashSet<>();
        for (int i = 0; i < 1_100; i++) {
            IssuedCertificate certificate = new IssuedCertificate(serial(0x50), ISSUER, "CN=d", List.of(),
                    Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"),
                    "scep", "challenge", Optional.empty(), Optional.empty(), Optional.empty(), der(40));
            storage.certificateStore().record(certificate);
            recorded.add(certificate.serialNumber());
        }
        storage.certificateStore().record(withIssuer(certificate(serial(0x50)), "CN=Other CA"));

        List<BigInteger> visited = new ArrayList<>();
        storage.certificateStore().forEachSerialRecordedSince(ISSUER, Instant.MIN, visited::add);

        assertThat(new java.util.HashSet<>(visited)).isEqualTo(recorded);
        assertThat(visited).as("each serial once").hasSize(recorded.size());
    }

    @Test
    void theDatabaseTimesTheRecordingOfACertificate() {
        // The database runs on this machine in the tests, so its clock is ours (give or take a minute).
        Instant before = Instant.now().minus(Duration.ofMinutes(1));
        IssuedCertificate certificate = certificate(serial(0x50));
        storage.certificateStore().record(certificate);

        assertThat(serialsRecordedSince(ISSUER, before)).containsExactly(certificate.serialNumber());
        assertThat(serialsRecordedSince(ISSUER, Instant.now().plus(Duration.ofHours(1)))).isEmpty();
    }

    // --- search -------------------------------------------------------------------------------

    @Test
    void searchMatchesTextInSerialSubjectSubjectAltNamesAndRequesterIgnoringCase() {
        IssuedCertificate laptop = certificate(serial(0x50), "CN=Laptop-Alice,OU=Devices", List.of("dns:alice.example"), "Intune");
        IssuedCertificate printer = certificate(serial(0x50), "CN=printer", List.of("dns:PRINT-7.corp.example"), "token-ops");
        IssuedCertificate phone = certificate(serial(0x50), "CN=phone", List.of("dns:phone.example", "upn:Bob@Example.com"), "challenge");
        IssuedCertificate otherIssuers = withIssuer(
                certificate(serial(0x50), "CN=Laptop-Alice", List.of("upn:bob@example.com"), "token-ops"), "CN=Other CA");
        for (IssuedCertificate certificate : List.of(laptop, printer, phone, otherIssuers)) {
            storage.certificateStore().record(certificate);
        }

        assertThat(searchText("laptop-ALICE")).containsExactly(laptop.serialNumber());
        assertThat(searchText("ou=devices")).containsExactly(laptop.serialNumber());
        assertThat(searchText("print-7")).containsExactly(printer.serialNumber());
        assertThat(searchText("BOB@example.COM")).containsExactly(phone.serialNumber());
        assertThat(searchText("Token-Ops")).containsExactly(printer.serialNumber());
        assertThat(searchText("INTUNE")).containsExactly(laptop.serialNumber());
        String serialPart = phone.serialHex().substring(10, 30);
        assertThat(searchText(serialPart.toLowerCase(java.util.Locale.ROOT))).containsExactly(phone.serialNumber());
        assertThat(searchText(serialPart)).containsExactly(phone.serialNumber());
        assertThat(searchText("  phone.example  ")).containsExactly(phone.serialNumber());
        assertThat(searchText("no such thing")).isEmpty();
        assertThat(searchText("")).hasSize(3);

        SearchPage page = storage.certificateStore().search(ISSUER, query(Optional.of("print-7"), SearchQuery.Validity.ANY, 10, null));
        assertSameRecord(page.items().get(0), printer);
    }

    @Test
    void searchLeavesOutTheEndpointsItIsToldTo() {
        IssuedCertificate device = certificate(serial(0x50), "CN=device", List.of(), "token");
        IssuedCertificate responder = withEndpoint(certificate(serial(0x50), "CN=Scepter OCSP responder", List.of(), "token"), "ocsp-responder");
        storage.certificateStore().record(device);
        storage.certificateStore().record(responder);
        Instant now = Instant.parse("2025-06-01T00:00:00Z");

        SearchPage all = storage.certificateStore().search(ISSUER, new SearchQuery(Optional.empty(), SearchQuery.Validity.ANY, now, 10,
                Optional.empty()));
        SearchPage devices = storage.certificateStore().search(ISSUER, new SearchQuery(Optional.empty(), SearchQuery.Validity.ANY, now, 10,
                Optional.empty(), java.util.Set.of("ocsp-responder")));

        assertThat(all.items()).extracting(IssuedCertificate::serialNumber).containsExactlyInAnyOrder(device.serialNumber(),
                responder.serialNumber());
        assertThat(devices.items()).extracting(IssuedCertificate::serialNumber).containsExactly(device.serialNumber());
    }

    @Test
    void searchMatchesWildcardsAndTheEscapeCharacterLiterally() {
        IssuedCertificate percent = certificate(serial(0x50), "CN=100% sure", List.of(), "api");
        IssuedCertificate noPercent = certificate(serial(0x50), "CN=1000 sure", List.of(), "api");
        IssuedCertificate underscore = certificate(serial(0x50), "CN=a_b", List.of(), "api");
        IssuedCertificate noUnderscore = certificate(serial(0x50), "CN=axb", List.of(), "api");
        IssuedCertificate bang = certificate(serial(0x50), "CN=hey!", List.of(), "api");
        IssuedCertificate backslash = certificate(serial(0x50), "CN=back\\slash", List.of(), "api");
        for (IssuedCertificate certificate : List.of(percent, noPercent, underscore, noUnderscore, bang, backslash)) {
            storage.certificateStore().record(certificate);
        }

        assertThat(searchText("0% s")).containsExactly(percent.serialNumber());
        assertThat(searchText("%")).containsExactly(percent.serialNumber());
        assertThat(searchText("a_b")).containsExactly(underscore.serialNumber());
        assertThat(searchText("_")).containsExactly(underscore.serialNumber());
        assertThat(searchText("y!")).containsExactly(bang.serialNumber());
        assertThat(searchText("!%")).isEmpty();
        assertThat(searchText("k\\s")).containsExactly(backslash.serialNumber());
        assertThat(searchText("\\_")).isEmpty();
    }

    @Test
    void searchFiltersByValidityAtTheQuerysTime() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        IssuedCertificate active = certificate(serial(0x50), "CN=active", Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"));
        IssuedCertificate startsNow = certificate(serial(0x50), "CN=starts-now", now, Instant.parse("2026-01-01T00:00:00Z"));
        IssuedCertificate notYetValid = certificate(serial(0x50), "CN=not-yet", Instant.parse("2025-07-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"));
        IssuedCertificate endsNow = certificate(serial(0x50), "CN=ends-now", Instant.parse("2024-06-01T12:00:00Z"), now);
        IssuedCertificate expired = certificate(serial(0x50), "CN=expired", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
        IssuedCertificate revoked = certificate(serial(0x50), "CN=revoked", Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"));
        IssuedCertificate expiredAndRevoked = certificate(serial(0x50), "CN=expired-revoked", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
        List<IssuedCertificate> all = List.of(active, startsNow, notYetValid, endsNow, expired, revoked, expiredAndRevoked);
        for (IssuedCertificate certificate : all) {
            storage.certificateStore().record(certificate);
        }
        Revocation revocation = new Revocation(1, Instant.parse("2025-03-01T00:00:00Z"), "admin");
        storage.certificateStore().revoke(ISSUER, revoked.serialNumber(), revocation);
        storage.certificateStore().revoke(ISSUER, expiredAndRevoked.serialNumber(), revocation);

        assertThat(searchSubjects(SearchQuery.Validity.ANY, now))
                .containsExactlyInAnyOrderElementsOf(all.stream().map(IssuedCertificate::subject).toList());
        assertThat(searchSubjects(SearchQuery.Validity.ACTIVE, now)).containsExactlyInAnyOrder("CN=active", "CN=starts-now");
        assertThat(searchSubjects(SearchQuery.Validity.EXPIRED, now))
                .containsExactlyInAnyOrder("CN=ends-now", "CN=expired", "CN=expired-revoked");
        assertThat(searchSubjects(SearchQuery.Validity.REVOKED, now)).containsExactlyInAnyOrder("CN=revoked", "CN=expired-revoked");
        assertThat(searchSubjects(SearchQuery.Validity.ACTIVE, Instant.parse("2025-08-01T00:00:00Z")))
                .containsExactlyInAnyOrder("CN=active", "CN=starts-now", "CN=not-yet");
    }

    @Test
    void searchMatchesTheBoundObjectsGuidAsText() {
        UUID device = UUID.fromString("d6b58414-60ed-426b-b382-276a3e8d626d");
        IssuedCertificate bound = withBinding(certificate(serial(0x40)), new DirectoryBinding(DirectoryObjectType.DEVICE, device));
        IssuedCertificate unbound = certificate(serial(0x50));
        storage.certificateStore().record(bound);
        storage.certificateStore().record(unbound);

        assertThat(searchText("276A3E8D626D")).containsExactly(bound.serialNumber());
        assertThat(searchText(device.toString())).containsExactly(bound.serialNumber());
    }

    @Test
    void searchMatchesTheSha1ThumbprintInAnyCase() {
        IssuedCertificate one = certificate(serial(0x50));
        IssuedCertificate other = certificate(serial(0x50));
        storage.certificateStore().record(one);
        storage.certificateStore().record(other);

        assertThat(one.thumbprint()).matches("[0-9A-F]{40}");
        assertThat(searchText(one.thumbprint())).containsExactly(one.serialNumber());
        assertThat(searchText(one.thumbprint().substring(3, 30).toLowerCase(java.util.Locale.ROOT))).containsExactly(one.serialNumber());
    }

    @Test
    void searchFiltersByEndpointKindExpiryAndBoundObject() {
        UUID alicesLaptop = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Instant now = Instant.parse("2025-06-01T00:00:00Z");
        IssuedCertificate laptop = withBinding(withEndpoint(certificate(serial(0x40), "CN=laptop", now.minus(Duration.ofDays(300)),
                now.plus(Duration.ofDays(5))), "scep"), new DirectoryBinding(DirectoryObjectType.DEVICE, alicesLaptop));
        IssuedCertificate intune = withBinding(withEndpoint(certificate(serial(0x41), "CN=laptop-intune", now.minus(Duration.ofDays(10)),
                now.plus(Duration.ofDays(40))), "intune"), new DirectoryBinding(DirectoryObjectType.INTUNE_DEVICE, alicesLaptop));
        IssuedCertificate user = withBinding(withEndpoint(certificate(serial(0x60), "CN=bob", now.minus(Duration.ofDays(10)),
                now.plus(Duration.ofDays(20))), "intune"), new DirectoryBinding(DirectoryObjectType.USER, bob));
        IssuedCertificate jamfUser = withBinding(withEndpoint(certificate(serial(0x64), "CN=bob-jamf", now.minus(Duration.ofDays(10)),
                now.plus(Duration.ofDays(400))), "jamf"), new DirectoryBinding(DirectoryObjectType.JAMF_USER, bob));
        IssuedCertificate dc = withEndpoint(certificate(serial(0x70), "CN=dc1", now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(6))),
                "dc");
        IssuedCertificate server = certificate(serial(0x50), "CN=www", now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(29)));
        for (IssuedCertificate certificate : List.of(laptop, intune, user, jamfUser, dc, server)) {
            storage.certificateStore().record(certificate);
        }

        assertThat(filtered(now, new SearchQuery.Filters(Set.of("intune"), Set.of(), Optional.empty(), Optional.empty(), false)))
                .containsExactlyInAnyOrder("CN=laptop-intune", "CN=bob");
        assertThat(filtered(now, new SearchQuery.Filters(Set.of("intune", "dc"), Set.of(), Optional.empty(), Optional.empty(), false)))
                .containsExactlyInAnyOrder("CN=laptop-intune", "CN=bob", "CN=dc1");
        assertThat(filtered(now, kinds(CertificateKind.DEVICE))).containsExactlyInAnyOrder("CN=laptop", "CN=laptop-intune");
        assertThat(filtered(now, kinds(CertificateKind.USER))).containsExactlyInAnyOrder("CN=bob", "CN=bob-jamf");
        assertThat(filtered(now, kinds(CertificateKind.DC))).containsExactly("CN=dc1");
        assertThat(filtered(now, kinds(CertificateKind.STATIC))).containsExactly("CN=www");
        assertThat(filtered(now, kinds(CertificateKind.STATIC, CertificateKind.DC))).containsExactlyInAnyOrder("CN=www", "CN=dc1");
        assertThat(filtered(now, new SearchQuery.Filters(Set.of(), Set.of(), Optional.of(now.plus(Duration.ofDays(7))), Optional.empty(),
                false))).containsExactlyInAnyOrder("CN=laptop", "CN=dc1");
        // The bound is exclusive: a certificate that ends exactly at it is not before it.
        assertThat(filtered(now, new SearchQuery.Filters(Set.of(), Set.of(), Optional.of(now.plus(Duration.ofDays(6))), Optional.empty(),
                false))).containsExactly("CN=laptop");
        assertThat(filtered(now, new SearchQuery.Filters(Set.of(), Set.of(), Optional.empty(), Optional.of(bob), false)))
                .containsExactlyInAnyOrder("CN=bob", "CN=bob-jamf");
        assertThat(filtered(now, new SearchQuery.Filters(Set.of("intune"), Set.of(CertificateKind.USER), Optional.empty(), Optional.of(bob),
                false))).containsExactly("CN=bob");
        assertThat(filtered(now, new SearchQuery.Filters(Set.of(), Set.of(), Optional.empty(), Optional.of(UUID.randomUUID()), false)))
                .isEmpty();
    }

    @Test
    void searchFindsCertificatesWithoutSuccessorAndCountsThemByEndpoint() {
        Instant now = Instant.parse("2025-06-01T00:00:00Z");
        UUID renewed = UUID.randomUUID();
        UUID forgotten = UUID.randomUUID();
        UUID revokedRenewal = UUID.randomUUID();
        DirectoryBinding renewedDevice = new DirectoryBinding(DirectoryObjectType.DEVICE, renewed);
        IssuedCertificate oldOfRenewed = withBinding(withEndpoint(certificate(serial(0x40), "CN=renewed", now.minus(Duration.ofDays(360)),
                now.plus(Duration.ofDays(5))), "intune"), renewedDevice);
        // The successor may be bound by another id type of the same object, and come from another endpoint.
        IssuedCertificate newOfRenewed = withBinding(withEndpoint(certificate(serial(0x41), "CN=renewed", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365))), "scep"), new DirectoryBinding(DirectoryObjectType.INTUNE_DEVICE, renewed));
        IssuedCertificate onlyOfForgotten = withBinding(withEndpoint(certificate(serial(0x40), "CN=forgotten", now.minus(Duration.ofDays(360)),
                now.plus(Duration.ofDays(3))), "intune"), new DirectoryBinding(DirectoryObjectType.DEVICE, forgotten));
        IssuedCertificate oldOfRevokedRenewal = withBinding(withEndpoint(certificate(serial(0x40), "CN=revoked-renewal",
                now.minus(Duration.ofDays(360)), now.plus(Duration.ofDays(20))), "intune"),
                new DirectoryBinding(DirectoryObjectType.DEVICE, revokedRenewal));
        IssuedCertificate revokedNew = withBinding(withEndpoint(certificate(serial(0x40), "CN=revoked-renewal", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365))), "intune"), new DirectoryBinding(DirectoryObjectType.DEVICE, revokedRenewal));
        IssuedCertificate oldServer = certificate(serial(0x50), "CN=www", now.minus(Duration.ofDays(360)), now.plus(Duration.ofDays(10)));
        IssuedCertificate newServer = certificate(serial(0x50), "CN=www", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)));
        IssuedCertificate lonelyServer = certificate(serial(0x50), "CN=api", now.minus(Duration.ofDays(360)), now.plus(Duration.ofDays(10)));
        // The same subject from another endpoint is another thing: no successor.
        IssuedCertificate otherEndpointsApi = withEndpoint(certificate(serial(0x50), "CN=api", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(90))), "static");
        IssuedCertificate expiredLongAgo = withBinding(withEndpoint(certificate(serial(0x40), "CN=gone", now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(30))), "intune"), new DirectoryBinding(DirectoryObjectType.DEVICE, UUID.randomUUID()));
        for (IssuedCertificate certificate : List.of(oldOfRenewed, newOfRenewed, onlyOfForgotten, oldOfRevokedRenewal, revokedNew, oldServer,
                newServer, lonelyServer, otherEndpointsApi, expiredLongAgo)) {
            storage.certificateStore().record(certificate);
        }
        storage.certificateStore().revoke(ISSUER, revokedNew.serialNumber(), new Revocation(1, now.minus(Duration.ofHours(1)), "admin"));

        SearchQuery.Filters expiringAlone = new SearchQuery.Filters(Set.of(), Set.of(), Optional.of(now.plus(Duration.ofDays(30))),
                Optional.empty(), true);
        SearchQuery query = new SearchQuery(Optional.empty(), SearchQuery.Validity.ACTIVE, now, 1000, Optional.empty(), Set.of(),
                expiringAlone);
        assertThat(storage.certificateStore().search(ISSUER, query).items()).extracting(IssuedCertificate::serialNumber)
                .containsExactlyInAnyOrder(onlyOfForgotten.serialNumber(), oldOfRevokedRenewal.serialNumber(), lonelyServer.serialNumber());
        assertThat(storage.certificateStore().countMatchingByEndpoint(ISSUER, query)).isEqualTo(java.util.Map.of("intune", 2L, "api", 1L));
        SearchQuery withinAWeek = query.withFilters(new SearchQuery.Filters(Set.of(), Set.of(), Optional.of(now.plus(Duration.ofDays(7))),
                Optional.empty(), true));
        assertThat(storage.certificateStore().countMatchingByEndpoint(ISSUER, withinAWeek)).isEqualTo(java.util.Map.of("intune", 1L));
        assertThat(storage.certificateStore().countMatchingByEndpoint(ISSUER, withinAWeek.withFilters(SearchQuery.Filters.NONE)))
                .isEqualTo(java.util.Map.of("intune", 3L, "scep", 1L, "api", 3L, "static", 1L));
        assertThat(storage.certificateStore().countMatchingByEndpoint("CN=Other CA", query)).isEmpty();
    }

    private List<String> filtered(Instant now, SearchQuery.Filters filters) {
        return storage.certificateStore().search(ISSUER, new SearchQuery(Optional.empty(), SearchQuery.Validity.ANY, now, 1000,
                Optional.empty(), Set.of(), filters)).items().stream().map(IssuedCertificate::subject).toList();
    }

    private static SearchQuery.Filters kinds(CertificateKind... kinds) {
        return new SearchQuery.Filters(Set.of(), Set.of(kinds), Optional.empty(), Optional.empty(), false);
    }

    @Test
    void searchPagesNewestFirstAndTheTokenReachesEveryRowOnce() throws Exception {
        List<IssuedCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            IssuedCertificate certificate = certificate(serial(0x50), "CN=device-" + i, List.of(), "api");
            storage.certificateStore().record(certificate);
            certificates.add(certificate);
        }
        // Two pairs recorded in the same microsecond: the serial decides between them.
        Instant[] recordedAt = {
            Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-03-01T00:00:00.000001Z"),
            Instant.parse("2025-03-01T00:00:00.000001Z"), Instant.parse("2025-02-01T00:00:00Z"),
            Instant.parse("2025-04-01T00:00:00Z"), Instant.parse("2025-04-01T00:00:00Z")};
        for (int i = 0; i < 6; i++) {
            setIssuedAt(certificates.get(i), recordedAt[i]);
        }
        // serial(0x50) gives serials of one length, so their hex sorts as their value.
        List<BigInteger> newestFirst = java.util.stream.IntStream.range(0, 6).boxed()
                .sorted(java.util.Comparator.<Integer, Instant>comparing(i -> recordedAt[i]).reversed()
                        .thenComparing(i -> certificates.get(i).serialNumber(), java.util.Comparator.reverseOrder()))
                .map(i -> certificates.get(i).serialNumber())
                .toList();

        List<BigInteger> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            SearchPage page = storage.certificateStore().search(ISSUER,
                    new SearchQuery(Optional.empty(), SearchQuery.Validity.ANY, Instant.parse("2025-06-01T00:00:00Z"), 2, token));
            assertThat(page.items()).hasSize(2);
            page.items().forEach(item -> seen.add(item.serialNumber()));
            token = page.continuationToken();
            pages++;
        } while (token.isPresent() && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(storage.certificateStore().search(ISSUER, query(Optional.empty(), SearchQuery.Validity.ANY, 1000, null)).items())
                .extracting(IssuedCertificate::serialNumber).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void aPageKeepsTheFiltersAndAnEmptySearchHasNoNextPage() {
        for (int i = 0; i < 5; i++) {
            storage.certificateStore().record(certificate(serial(0x50), "CN=laptop-" + i, List.of(), "api"));
            storage.certificateStore().record(certificate(serial(0x50), "CN=phone-" + i, List.of(), "api"));
        }

        SearchPage first = storage.certificateStore().search(ISSUER, query(Optional.of("LAPTOP"), SearchQuery.Validity.ANY, 3, null));
        SearchPage second = storage.certificateStore().search(ISSUER,
                query(Optional.of("LAPTOP"), SearchQuery.Validity.ANY, 3, first.continuationToken().orElseThrow()));

        assertThat(first.items()).hasSize(3);
        assertThat(second.items()).hasSize(2);
        assertThat(second.continuationToken()).isEmpty();
        assertThat(first.items().stream().map(IssuedCertificate::subject))
                .doesNotContainAnyElementsOf(second.items().stream().map(IssuedCertificate::subject).toList());
        assertThat(List.of(first, second)).flatExtracting(SearchPage::items).extracting(IssuedCertificate::subject)
                .allMatch(subject -> subject.startsWith("CN=laptop-"));
        SearchPage none = storage.certificateStore().search(ISSUER, query(Optional.of("tablet"), SearchQuery.Validity.ANY, 3, null));
        assertThat(none.items()).isEmpty();
        assertThat(none.continuationToken()).isEmpty();
    }

    @Test
    void aContinuationTokenTheStoreDidNotGiveOutIsRefused() {
        storage.certificateStore().record(certificate(serial(0x50)));
        java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
        List<String> garbage = List.of(
                "",
                "not a token",
                "!!!!",
                base64.encodeToString("k1:abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                base64.encodeToString("k1:1700000000:0:zz".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                base64.encodeToString("k1:999999999999:0:AB".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                base64.encodeToString("' or 1=1 --".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                "A".repeat(5000));

        for (String token : garbage) {
            assertThatThrownBy(() -> storage.certificateStore().search(ISSUER, query(Optional.empty(), SearchQuery.Validity.ANY, 10, token)))
                    .as("token %s", token)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the continuation token is not valid; start the search again without one");
        }
    }

    // --- embedded directory -------------------------------------------------------------------

    @Test
    void theEmbeddedDirectoryKeepsAnObjectsSecurityIdentifierAndRefusesWhatIsNoSid() throws Exception {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID user = UUID.randomUUID();
        String sid = "S-1-5-21-1004336348-1177238915-682003330-1172";
        directory.put(new Entry(DirectoryObjectType.USER, user, true, Optional.of("sid-" + user + "@example.com"), Optional.of(sid)));
        assertThat(directory.securityIdentifier(DirectoryObjectType.USER, user)).contains(sid);
        assertThat(directory.get(DirectoryObjectType.USER, user).orElseThrow().securityIdentifier()).contains(sid);
        directory.put(new Entry(DirectoryObjectType.USER, user, true, Optional.of("sid-" + user + "@example.com")));
        assertThat(directory.securityIdentifier(DirectoryObjectType.USER, user)).as("a put without one clears it").isEmpty();

        UUID device = UUID.randomUUID();
        assertThatThrownBy(() -> directory.put(new Entry(DirectoryObjectType.DEVICE, device, true, Optional.empty(),
                Optional.of("S-1-5-21-1'; drop table directory_device; --")))).isInstanceOf(IllegalArgumentException.class);
        assertThat(directory.get(DirectoryObjectType.DEVICE, device)).isEmpty();
    }

    @Test
    void theEmbeddedDirectoryKeepsADevicesOwnerAndAnswersWhoOwnsIt() throws Exception {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID device = UUID.randomUUID();
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Entry owned = new Entry(DirectoryObjectType.DEVICE, device, true, Optional.of("laptop-" + device), Optional.empty(), Optional.of(alice));
        directory.put(owned);
        assertThat(directory.get(DirectoryObjectType.DEVICE, device)).contains(owned);
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.DEVICE, device, alice)).isTrue();
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.INTUNE_DEVICE, device, alice))
                .as("an Intune device id is the device with that id here").isTrue();
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.DEVICE, device, bob)).isFalse();
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.DEVICE, UUID.randomUUID(), alice)).as("no such device").isFalse();
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.USER, device, alice)).as("a user owns no user").isFalse();

        directory.put(new Entry(DirectoryObjectType.DEVICE, device, true, Optional.of("laptop-" + device), Optional.empty(), Optional.of(bob)));
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.DEVICE, device, alice)).as("handed over to Bob").isFalse();
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.DEVICE, device, bob)).isTrue();
        directory.put(new Entry(DirectoryObjectType.DEVICE, device, true, Optional.of("laptop-" + device)));
        assertThat(directory.get(DirectoryObjectType.DEVICE, device).orElseThrow().owner()).as("a put without one clears it").isEmpty();
        assertThat(directory.isRegisteredOwner(DirectoryObjectType.DEVICE, device, bob)).isFalse();

        UUID user = UUID.randomUUID();
        assertThatThrownBy(() -> directory.put(new Entry(DirectoryObjectType.USER, user, true, Optional.of("owner-" + user + "@example.com"),
                Optional.empty(), Optional.of(alice)))).as("only a device has an owner").isInstanceOf(IllegalArgumentException.class);
        assertThat(directory.get(DirectoryObjectType.USER, user)).isEmpty();
    }

    @Test
    void theEmbeddedDirectoryPutsGetsUpdatesAndDeletesADevice() throws Exception {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID id = UUID.randomUUID();
        Entry laptop = new Entry(DirectoryObjectType.DEVICE, id, true, Optional.of("laptop-1"));

        directory.put(laptop);
        assertThat(directory.get(DirectoryObjectType.DEVICE, id)).contains(laptop);
        assertThat(directory.lookup(DirectoryObjectType.DEVICE, id)).isEqualTo(DirectoryAnswer.ENABLED);
        assertThat(directory.lookup(DirectoryObjectType.USER, id)).as("users and devices are apart").isEqualTo(DirectoryAnswer.NOT_FOUND);
        assertThat(directory.get(DirectoryObjectType.USER, id)).isEmpty();

        Entry disabledUnnamed = new Entry(DirectoryObjectType.DEVICE, id, false, Optional.empty());
        directory.put(disabledUnnamed);
        assertThat(directory.get(DirectoryObjectType.DEVICE, id)).contains(disabledUnnamed);
        assertThat(directory.lookup(DirectoryObjectType.DEVICE, id)).isEqualTo(DirectoryAnswer.DISABLED);
        assertThat(storedDirectoryObjectsWithUpdateTime(DirectoryObjectType.DEVICE)).isEqualTo(1);

        storage.close();
        storage = openStorage();
        directory = storage.embeddedDirectory();
        assertThat(directory.get(DirectoryObjectType.DEVICE, id)).contains(disabledUnnamed);

        assertThat(directory.delete(DirectoryObjectType.DEVICE, id)).isTrue();
        assertThat(directory.delete(DirectoryObjectType.DEVICE, id)).isFalse();
        assertThat(directory.get(DirectoryObjectType.DEVICE, id)).isEmpty();
        assertThat(directory.lookup(DirectoryObjectType.DEVICE, id)).isEqualTo(DirectoryAnswer.NOT_FOUND);
        assertThat(directory.lookup(DirectoryObjectType.DEVICE, UUID.randomUUID())).isEqualTo(DirectoryAnswer.NOT_FOUND);
    }

    @Test
    void theEmbeddedDirectoryIsEmptyUntilItKeepsADeviceOrAUser() {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        assertThat(directory.isEmpty()).isTrue();
        UUID user = UUID.randomUUID();
        directory.put(new Entry(DirectoryObjectType.USER, user, false, Optional.of("empty-" + user + "@example.com")));
        assertThat(directory.isEmpty()).as("a disabled user is kept too").isFalse();
        directory.delete(DirectoryObjectType.USER, user);
        assertThat(directory.isEmpty()).isTrue();
        UUID device = UUID.randomUUID();
        directory.put(new Entry(DirectoryObjectType.DEVICE, device, true, Optional.empty()));
        assertThat(directory.isEmpty()).isFalse();
    }

    @Test
    void theEmbeddedDirectoryAnswersAnIntuneDeviceIdAsTheDeviceWithThatId() {
        // It keeps no Intune ids: an Intune-bound (0x41) certificate's id is looked up among its
        // devices, as it was before the kinds were told apart.
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID device = UUID.randomUUID();
        directory.put(new Entry(DirectoryObjectType.DEVICE, device, true, Optional.of("laptop-2"),
                Optional.of("S-1-5-21-1004336348-1177238915-682003330-1173")));
        assertThat(directory.lookup(DirectoryObjectType.INTUNE_DEVICE, device)).isEqualTo(DirectoryAnswer.ENABLED);
        assertThat(directory.securityIdentifier(DirectoryObjectType.INTUNE_DEVICE, device))
                .isEqualTo(directory.securityIdentifier(DirectoryObjectType.DEVICE, device)).isPresent();
        directory.put(new Entry(DirectoryObjectType.DEVICE, device, false, Optional.of("laptop-2")));
        assertThat(directory.lookup(DirectoryObjectType.INTUNE_DEVICE, device)).isEqualTo(DirectoryAnswer.DISABLED);
        directory.delete(DirectoryObjectType.DEVICE, device);
        assertThat(directory.lookup(DirectoryObjectType.INTUNE_DEVICE, device)).isEqualTo(DirectoryAnswer.NOT_FOUND);

        UUID user = UUID.randomUUID();
        directory.put(new Entry(DirectoryObjectType.USER, user, true, Optional.of("intune-" + user + "@example.com")));
        assertThat(directory.lookup(DirectoryObjectType.INTUNE_DEVICE, user)).as("not among users").isEqualTo(DirectoryAnswer.NOT_FOUND);
    }

    @Test
    void theEmbeddedDirectoryFindsAUserByPrincipalNameInAnyCase() {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Entry aliceEntry = new Entry(DirectoryObjectType.USER, alice, true, Optional.of("Alice@Example.com"));
        directory.put(aliceEntry);
        directory.put(new Entry(DirectoryObjectType.USER, bob, false, Optional.of("bob@example.com")));

        assertThat(directory.get(DirectoryObjectType.USER, alice)).as("kept as given").contains(aliceEntry);
        assertThat(directory.findUserByPrincipalName("alice@EXAMPLE.COM")).contains(alice);
        assertThat(directory.findUserByPrincipalName("Alice@Example.com")).contains(alice);
        assertThat(directory.findUserByPrincipalName("BOB@example.com")).contains(bob);
        assertThat(directory.findUserByPrincipalName("carol@example.com")).isEmpty();
        assertThat(directory.findUserByPrincipalName("%@example.com")).isEmpty();
        assertThat(directory.lookup(DirectoryObjectType.USER, alice)).isEqualTo(DirectoryAnswer.ENABLED);
        assertThat(directory.lookup(DirectoryObjectType.USER, bob)).isEqualTo(DirectoryAnswer.DISABLED);

        directory.put(new Entry(DirectoryObjectType.USER, alice, true, Optional.of("alice.smith@example.com")));
        assertThat(directory.findUserByPrincipalName("alice@example.com")).isEmpty();
        assertThat(directory.findUserByPrincipalName("ALICE.SMITH@example.com")).contains(alice);
        // the name Alice gave up is free again
        UUID newcomer = UUID.randomUUID();
        directory.put(new Entry(DirectoryObjectType.USER, newcomer, true, Optional.of("alice@example.com")));
        assertThat(directory.findUserByPrincipalName("Alice@Example.com")).contains(newcomer);
    }

    @Test
    void theEmbeddedDirectoryRefusesAUserWithoutAPrincipalNameOrWithAnotherUsersOne() {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Entry aliceEntry = new Entry(DirectoryObjectType.USER, alice, true, Optional.of("alice@example.com"));
        Entry bobEntry = new Entry(DirectoryObjectType.USER, bob, true, Optional.of("bob@example.com"));
        directory.put(aliceEntry);
        directory.put(bobEntry);

        assertThatThrownBy(() -> directory.put(new Entry(DirectoryObjectType.USER, UUID.randomUUID(), true, Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userPrincipalName");
        assertThatThrownBy(() -> directory.put(new Entry(DirectoryObjectType.USER, UUID.randomUUID(), true, Optional.of(" "))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> directory.put(new Entry(DirectoryObjectType.USER, UUID.randomUUID(), true, Optional.of("ALICE@example.com"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ALICE@example.com");
        assertThatThrownBy(() -> directory.put(new Entry(DirectoryObjectType.USER, bob, false, Optional.of("Alice@Example.com"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Alice@Example.com");

        assertThat(directory.get(DirectoryObjectType.USER, alice)).contains(aliceEntry);
        assertThat(directory.get(DirectoryObjectType.USER, bob)).contains(bobEntry);
        assertThat(directory.findUserByPrincipalName("alice@example.com")).contains(alice);
    }

    @Test
    void ofManyThreadsPuttingTheSameNewObjectAtOnceAllSucceedAndOneRowRemains() throws Exception {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID device = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        List<Callable<Void>> puts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            boolean enabled = t % 2 == 0;
            String name = "device-" + t;
            String principalName = t % 2 == 0 ? "carol@example.com" : "Carol@Example.com";
            puts.add(() -> {
                directory.put(new Entry(DirectoryObjectType.DEVICE, device, enabled, Optional.of(name)));
                return null;
            });
            puts.add(() -> {
                directory.put(new Entry(DirectoryObjectType.USER, user, enabled, Optional.of(principalName)));
                return null;
            });
        }

        atOnce(puts);

        assertThat(storedDirectoryObjects(DirectoryObjectType.DEVICE)).isEqualTo(1);
        assertThat(storedDirectoryObjects(DirectoryObjectType.USER)).isEqualTo(1);
        assertThat(directory.get(DirectoryObjectType.DEVICE, device).orElseThrow().name().orElseThrow()).startsWith("device-");
        assertThat(directory.findUserByPrincipalName("CAROL@example.com")).contains(user);
    }

    @Test
    void aDirectoryLookupTheDatabaseCannotAnswerIsUnavailableNotNotFound() {
        EmbeddedDirectory directory = storage.embeddedDirectory();
        UUID id = UUID.randomUUID();
        directory.put(new Entry(DirectoryObjectType.DEVICE, id, true, Optional.empty()));
        storage.close();

        assertThatThrownBy(() -> directory.lookup(DirectoryObjectType.DEVICE, id))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageStartingWith("embedded (in the store) cannot answer");
        assertThatThrownBy(() -> directory.findUserByPrincipalName("alice@example.com"))
                .isInstanceOf(DirectoryUnavailableException.class);
    }

    @Test
    void theEmbeddedDirectoryDescribesItself() {
        assertThat(storage.embeddedDirectory().describe()).isEqualTo("embedded (in the store)");
    }

    // --- API tokens ---------------------------------------------------------------------------

    @Test
    void createsListsAndFindsTokensByValueHash() {
        ApiToken ops = new ApiToken("ops", sha256("sct_ops"), Set.of(ApiRole.MANAGE_ALL, ApiRole.CSR_REQUEST_DB),
                Instant.parse("2025-05-01T12:00:00Z"), Optional.of(Instant.parse("2026-05-01T12:00:00Z")));
        ApiToken ci = new ApiToken("ci", sha256("sct_ci"), Set.of(ApiRole.values()),
                Instant.parse("2025-05-02T12:00:00.654321Z"), Optional.empty());

        storage.apiTokenStore().create(ops);
        storage.apiTokenStore().create(ci);

        List<ApiToken> listed = storage.apiTokenStore().list();
        assertThat(listed).extracting(ApiToken::name).containsExactly("ci", "ops");
        assertSameToken(listed.get(0), ci);
        assertSameToken(listed.get(1), ops);
        assertSameToken(storage.apiTokenStore().findByValueHash(sha256("sct_ops")).orElseThrow(), ops);
        assertThat(storage.apiTokenStore().findByValueHash(sha256("sct_unknown"))).isEmpty();
    }

    @Test
    void keepsRolesAsCommaSeparatedRoleNames() throws Exception {
        storage.apiTokenStore().create(token("ops", ApiRole.MANAGE_ALL, ApiRole.CSR_REQUEST));

        assertThat(storedTokenRoles()).isEqualTo("CSR.Request,Manage.All");
    }

    @Test
    void aSecondTokenWithTheSameNameIsRefusedAndTheFirstKept() {
        ApiToken first = token("ops", ApiRole.MANAGE_ALL);
        storage.apiTokenStore().create(first);

        assertThatThrownBy(() -> storage.apiTokenStore().create(token("ops", ApiRole.CSR_REQUEST)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ops");

        assertThat(storage.apiTokenStore().list()).hasSize(1);
        assertSameToken(storage.apiTokenStore().list().get(0), first);
    }

    @Test
    void revokingATokenRemovesItAndTellsWhetherItExisted() {
        ApiToken token = token("ops", ApiRole.MANAGE_ALL);
        storage.apiTokenStore().create(token);
        storage.apiTokenStore().create(token("other", ApiRole.CSR_REQUEST));

        assertThat(storage.apiTokenStore().revoke("ops")).isTrue();
        assertThat(storage.apiTokenStore().revoke("ops")).isFalse();
        assertThat(storage.apiTokenStore().revoke("never-was")).isFalse();

        assertThat(storage.apiTokenStore().findByValueHash(token.valueHash())).isEmpty();
        assertThat(storage.apiTokenStore().list()).extracting(ApiToken::name).containsExactly("other");
    }

    // --- audit --------------------------------------------------------------------------------

    @Test
    void auditEventsComeBackNewestFirstAndAtMostTheLimit() {
        AuditEvent first = new AuditEvent(Instant.parse("2025-05-01T12:00:00Z"), "installer", "token.create", "admin", "success");
        AuditEvent second = new AuditEvent(Instant.parse("2025-05-01T12:00:01Z"), "admin", "token.create", "ops", "success");
        AuditEvent third = new AuditEvent(Instant.parse("2025-05-01T12:00:02.5Z"), "admin", "token.revoke", "ops", "not found");
        storage.auditLog().append(first);
        storage.auditLog().append(second);
        storage.auditLog().append(third);

        assertThat(storage.auditLog().latest(2)).containsExactly(third, second);
        assertThat(storage.auditLog().latest(10)).containsExactly(third, second, first);
        assertThat(storage.auditLog().latest(0)).isEmpty();
    }

    @Test
    void auditEventsOfTheSameInstantComeBackLastAppendedFirst() {
        Instant now = Instant.parse("2025-05-01T12:00:00Z");
        for (int i = 0; i < 5; i++) {
            storage.auditLog().append(new AuditEvent(now, "admin", "certificate.revoke", "serial-" + i, "success"));
        }

        assertThat(storage.auditLog().latest(5)).extracting(AuditEvent::target)
                .containsExactly("serial-4", "serial-3", "serial-2", "serial-1", "serial-0");
    }

    // --- helpers ------------------------------------------------------------------------------

    /** A random 20-byte serial with the given type byte, as SerialNumbers makes them. */
    private List<BigInteger> serialsRecordedSince(String issuer, Instant since) {
        List<BigInteger> serials = new ArrayList<>();
        storage.certificateStore().forEachSerialRecordedSince(issuer, since, serials::add);
        return serials;
    }

    protected static BigInteger serial(int typeByte) {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        bytes[0] = (byte) typeByte;
        return new BigInteger(1, bytes);
    }

    protected static IssuedCertificate certificate(BigInteger serial) {
        return new IssuedCertificate(serial, ISSUER, "CN=device", List.of("dns:device.example"),
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"),
                "scep", "challenge", Optional.of("T-" + serial.toString(16)), Optional.empty(), Optional.empty(), der(600));
    }

    protected static IssuedCertificate certificate(BigInteger serial, String subject, List<String> subjectAltNames, String requester) {
        return new IssuedCertificate(serial, ISSUER, subject, subjectAltNames,
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"),
                "api", requester, Optional.empty(), Optional.empty(), Optional.empty(), der(300));
    }

    protected static IssuedCertificate certificate(BigInteger serial, String subject, Instant notBefore, Instant notAfter) {
        return new IssuedCertificate(serial, ISSUER, subject, List.of(), notBefore, notAfter,
                "api", "token", Optional.empty(), Optional.empty(), Optional.empty(), der(300));
    }

    private static IssuedCertificate withRevocation(IssuedCertificate c, Revocation revocation) {
        return new IssuedCertificate(c.serialNumber(), c.issuer(), c.subject(), c.subjectAltNames(), c.notBefore(),
                c.notAfter(), c.endpoint(), c.requester(), c.transactionId(), c.binding(), Optional.of(revocation), c.der());
    }

    private static IssuedCertificate withEndpoint(IssuedCertificate c, String endpoint) {
        return new IssuedCertificate(c.serialNumber(), c.issuer(), c.subject(), c.subjectAltNames(), c.notBefore(),
                c.notAfter(), endpoint, c.requester(), c.transactionId(), c.binding(), c.revocation(), c.der());
    }

    private static IssuedCertificate withIssuer(IssuedCertificate c, String issuer) {
        return new IssuedCertificate(c.serialNumber(), issuer, c.subject(), c.subjectAltNames(), c.notBefore(),
                c.notAfter(), c.endpoint(), c.requester(), c.transactionId(), c.binding(), c.revocation(), c.der());
    }

    protected static SearchQuery query(Optional<String> text, SearchQuery.Validity validity, int pageSize, String token) {
        return new SearchQuery(text, validity, Instant.parse("2025-06-01T00:00:00Z"), pageSize, Optional.ofNullable(token));
    }

    /** The serials of every certificate of {@link #ISSUER} whose fields hold the text. */
    private List<BigInteger> searchText(String text) {
        return storage.certificateStore().search(ISSUER, query(Optional.of(text), SearchQuery.Validity.ANY, 1000, null))
                .items().stream().map(IssuedCertificate::serialNumber).toList();
    }

    private List<String> searchSubjects(SearchQuery.Validity validity, Instant now) {
        return storage.certificateStore().search(ISSUER, new SearchQuery(Optional.empty(), validity, now, 1000, Optional.empty()))
                .items().stream().map(IssuedCertificate::subject).toList();
    }

    /** Runs the tasks on threads of their own, released together; their results in the tasks' order. */
    protected static <T> List<T> atOnce(List<Callable<T>> tasks) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    protected static IssuedCertificate withBinding(IssuedCertificate c, DirectoryBinding binding) {
        return new IssuedCertificate(c.serialNumber(), c.issuer(), c.subject(), c.subjectAltNames(), c.notBefore(),
                c.notAfter(), c.endpoint(), c.requester(), c.transactionId(), Optional.of(binding), c.revocation(), c.der());
    }

    /** Stand-in DER: the store keeps the bytes and never parses them. */
    protected static byte[] der(int length) {
        byte[] der = new byte[length];
        RANDOM.nextBytes(der);
        der[0] = 0x30;
        return der;
    }

    protected static ApiToken token(String name, ApiRole... roles) {
        return new ApiToken(name, sha256("sct_" + name + RANDOM.nextLong()), Set.of(roles),
                Instant.parse("2025-05-01T12:00:00Z"), Optional.empty());
    }

    protected static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static void assertSameRecord(IssuedCertificate actual, IssuedCertificate expected) {
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(actual.der()).isEqualTo(expected.der());
    }

    protected static void assertSameToken(ApiToken actual, ApiToken expected) {
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(actual.valueHash()).isEqualTo(expected.valueHash());
    }

    // --- SCEP transactions ----------------------------------------------------------------

    @Test
    void certificatesAreFoundByTheirTransactionWithTheDigestOfTheirRequest() {
        IssuedCertificate plain = certificate(serial(0x50));
        byte[] digest = new byte[32];
        digest[31] = 42;
        IssuedCertificate withDigest = new IssuedCertificate(plain.serialNumber(), plain.issuer(), plain.subject(), plain.subjectAltNames(),
                plain.notBefore(), plain.notAfter(), plain.endpoint(), plain.requester(), Optional.of("tx-retransmit"), plain.binding(),
                plain.revocation(), plain.der(), Optional.of(digest));
        storage.certificateStore().record(withDigest);
        storage.certificateStore().record(certificate(serial(0x50)));

        List<IssuedCertificate> found = storage.certificateStore().findByTransactionId(ISSUER, "tx-retransmit");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).serialNumber()).isEqualTo(withDigest.serialNumber());
        assertThat(found.get(0).requestDigest()).hasValueSatisfying(d -> assertThat(d).isEqualTo(digest));
        assertThat(storage.certificateStore().findByTransactionId("CN=Another CA", "tx-retransmit")).isEmpty();
    }

    // --- one-time challenges ---------------------------------------------------------------

    @Test
    void aOneTimeChallengeIsUsableUntilConsumedOnceAndUntilItExpires() {
        var challenges = storage.oneTimeChallengeStore();
        java.time.Instant now = java.time.Instant.parse("2026-11-24T12:00:00Z");
        byte[] hash = new byte[32];
        hash[0] = 7;
        challenges.save(new dev.scepter.authority.store.OneTimeChallengeStore.Stored(hash, Optional.of("device-1"),
                now.plusSeconds(3600)));

        assertThat(challenges.findUsable(hash, now)).hasValueSatisfying(c -> assertThat(c.boundSubject()).contains("device-1"));
        assertThat(challenges.findUsable(hash, now.plusSeconds(3600))).as("expired").isEmpty();
        assertThat(challenges.consume(hash, now.plusSeconds(3600))).as("expired").isFalse();
        assertThat(challenges.consume(hash, now)).isTrue();
        assertThat(challenges.consume(hash, now)).as("a second use").isFalse();
        assertThat(challenges.findUsable(hash, now)).isEmpty();
        assertThat(challenges.consume(new byte[32], now)).as("unknown").isFalse();
    }

    @Test
    void aChallengeGivenBackIsUsableAgainAndOnlyTheUseThatConsumedItGivesItBack() {
        var challenges = storage.oneTimeChallengeStore();
        // Nanoseconds, which no store keeps: a release must still find the use its consume wrote.
        java.time.Instant first = java.time.Instant.parse("2026-11-24T12:00:00.123456789Z");
        java.time.Instant second = first.plusSeconds(5);
        byte[] hash = new byte[32];
        hash[2] = 11;
        challenges.save(new dev.scepter.authority.store.OneTimeChallengeStore.Stored(hash, Optional.of("device-2"),
                first.plusSeconds(3600)));

        assertThat(challenges.release(hash, first)).as("never consumed").isFalse();
        assertThat(challenges.consume(hash, first)).isTrue();
        assertThat(challenges.release(hash, first.plusMillis(1))).as("another use's instant").isFalse();
        assertThat(challenges.findUsable(hash, first)).as("still used").isEmpty();

        assertThat(challenges.release(hash, first)).isTrue();
        assertThat(challenges.findUsable(hash, first)).hasValueSatisfying(c -> assertThat(c.boundSubject()).contains("device-2"));
        assertThat(challenges.release(hash, first)).as("given back already").isFalse();

        assertThat(challenges.consume(hash, second)).as("usable again").isTrue();
        assertThat(challenges.release(hash, first)).as("the earlier use, given back before").isFalse();
        assertThat(challenges.consume(hash, second)).as("the second use holds").isFalse();
        assertThat(challenges.release(new byte[32], first)).as("unknown").isFalse();
    }

    @Test
    void ofManyConcurrentUsesOfOneChallengeExactlyOneWins() throws Exception {
        var challenges = storage.oneTimeChallengeStore();
        java.time.Instant now = java.time.Instant.now();
        byte[] hash = new byte[32];
        hash[1] = 9;
        challenges.save(new dev.scepter.authority.store.OneTimeChallengeStore.Stored(hash, Optional.empty(), now.plusSeconds(60)));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> challenges.consume(hash, now)));
            }
            int wins = 0;
            for (var result : results) {
                wins += result.get() ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
