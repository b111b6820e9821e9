package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.SerialNumberCollisionException;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiToken;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
 * What every database behind {@link JdbcStorage} must do, run once per database by a subclass
 * that says how to get an empty one. {@link #storage} is open on an empty database when a test
 * starts; a test may close it and {@link #openStorage()} the same database again.
 */
public abstract class JdbcStorageContract {

    protected static final String ISSUER = "CN=Scepter Test CA,O=Scepter";
    private static final SecureRandom RANDOM = new SecureRandom();

    protected JdbcStorage storage;

    /** Makes the database that {@link #openStorage()} opens for this test, empty. */
    protected abstract void prepareEmptyDatabase();

    /** Opens this test's database; every call within one test opens the same one. */
    protected abstract JdbcStorage openStorage();

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
                Optional.of(new DirectoryBinding(DirectoryBinding.Kind.INTUNE_DEVICE, UUID.randomUUID())),
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
        for (DirectoryBinding.Kind kind : DirectoryBinding.Kind.values()) {
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
        assertThat(column("select serial_number from issued_certificate")).isEqualTo("A0B0C").isEqualTo(small.serialHex());
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

        assertThat(column("select roles from api_token")).isEqualTo("CSR.Request,Manage.All");
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

    private static IssuedCertificate withBinding(IssuedCertificate c, DirectoryBinding binding) {
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

    /** The single value a query returns, read straight from the database. */
    protected String column(String sql) throws Exception {
        try (Connection connection = storage.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from: " + sql).isTrue();
            String value = rows.getString(1);
            assertThat(rows.next()).as("only one row from: " + sql).isFalse();
            return value;
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
}
