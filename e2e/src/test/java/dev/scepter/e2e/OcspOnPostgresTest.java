package dev.scepter.e2e;

import static dev.scepter.e2e.OpensslOcsp.assertGood;
import static dev.scepter.e2e.OpensslOcsp.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.store.jdbc.PostgresServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scepter on a real PostgreSQL 15 (store-jdbc's fixture, on loopback).
 *
 * <p>Nodes A and B share one database and one CA, with the default caches: a certificate issued
 * on A is known on B at once; a manual revocation and a device disabled through A show on B within
 * the default bound of 15 s (CONTRACT.md), and the device enabled again likewise.
 *
 * <p>Node C, alone on a database of its own, shows that OCSP reads no database per request in the
 * steady state (see {@link #theSteadyStateReadsNoDatabasePerOcspRequest}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OcspOnPostgresTest {

    private static final String AAD_CHALLENGE = "aad-pg-challenge";
    private static final Duration DEFAULT_BOUND = Duration.ofSeconds(15);
    /** Node C's refresh interval: the default. */
    private static final Duration C_REFRESH = Duration.ofSeconds(5);

    @RegisterExtension
    @Order(1)
    static final ClassFixture<PostgresServer> postgres = ClassFixture.of(PostgresServer::start);
    @RegisterExtension
    @Order(2)
    static final ScepterServerExtension nodeA = ScepterServerExtension.withSettings(() -> database(postgres.get().jdbcUrl()));
    /** Node B shares A's CA: without it, it would refuse a database that holds another CA's certificates. */
    @RegisterExtension
    @Order(3)
    static final ScepterServerExtension nodeB = ScepterServerExtension.withSettings(() -> database(postgres.get().jdbcUrl()))
            .preparingDataFolder(dataB -> {
                for (String file : List.of("ca.p12", "ca.p12.password")) {
                    Files.copy(nodeA.dataDir().resolve(file), dataB.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
                }
            });
    // Started one after another: on a 2-core machine, starting JVMs side by side is slower.
    @RegisterExtension
    @Order(4)
    static final ScepterServerExtension nodeC = ScepterServerExtension.withSettings(OcspOnPostgresTest::aloneOnReadsDatabase);
    private static String readsDatabaseUrl;
    @TempDir
    static Path shared;
    private static Path caPem;
    /** Long enough for PostgreSQL to publish every idle backend's counts. */
    private static final Duration QUIET = Duration.ofSeconds(11);
    private static OcspFixtures.Issued steadyCertificate;
    private static long steadyPreparedAt;

    @BeforeAll
    static void sharedCaAndSteadyState() throws Exception {
        caPem = nodeA.caCertificatePem(shared);
        assertThat(nodeB.caCertificate()).isEqualTo(nodeA.caCertificate());
        prepareSteadyState();
    }

    /**
     * Node C's bound certificate, its device, and one OCSP answer that fills the directory cache,
     * made before the other tests so that they run while C's database goes quiet.
     */
    private static void prepareSteadyState() throws Exception {
        Path dir = Files.createDirectory(shared.resolve("steady"));
        UUID device = UUID.randomUUID();
        steadyCertificate = OcspFixtures.enrollBound(nodeC, dir, AAD_CHALLENGE, device);
        new CoreApi(nodeC).device(device, true);
        Path caPemC = nodeC.caCertificatePem(dir);
        assertGood(OpensslOcsp.queryCert(dir, nodeC.url("ocsp"), caPemC, steadyCertificate.pem()), steadyCertificate.pem());
        steadyPreparedAt = System.nanoTime();
    }

    /** Node C, alone on a database of its own, whose transactions the steady-state test counts. */
    private static Map<String, String> aloneOnReadsDatabase() {
        readsDatabaseUrl = postgres.get().createDatabase("ocsp_reads");
        Map<String, String> alone = database(readsDatabaseUrl);
        // Every request evaluated (no response cache); directory answers cached across the whole test.
        alone.put("AppConfig__OCSP__ResponseCacheSeconds", "0");
        alone.put("AppConfig__Directory__CacheSeconds", "600");
        alone.put("AppConfig__Store__RevocationRefreshSeconds", Long.toString(C_REFRESH.toSeconds()));
        return alone;
    }

    private static Map<String, String> database(String url) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("AppConfig__Database__Url", url);
        settings.put("AppConfig__Database__User", postgres.get().user());
        settings.put("AppConfig__Database__Password", postgres.get().password());
        settings.put("AppConfig__StaticAADValidation__Enabled", "true");
        settings.put("AppConfig__StaticAADValidation__RequestPassword", AAD_CHALLENGE);
        return settings;
    }

    /**
     * Node B joined with A's CA files only, as the installer's message asks ("Copy ca.p12 and
     * ca.p12.password from a node of this installation"); A's admin-token must keep working.
     */
    @Test
    void theFirstNodesAdminTokenStillWorksAfterASecondNodeJoined() {
        HttpResponse<byte[]> response = new CoreApi(nodeA).send("GET", "api/manage/audit?limit=1", null);

        assertThat(response.statusCode()).as("node A with its own admin-token: %s", CoreApi.body(response)).isEqualTo(200);
    }

    @Test
    void aCertificateIssuedOnOneNodeIsKnownAtOnceOnTheOther(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(nodeA, dir, "issued-on-a");

        assertGood(OpensslOcsp.queryCert(dir, nodeB.url("ocsp"), caPem, cert.pem()), cert.pem());
        assertGood(OpensslOcsp.queryCert(dir, nodeB.url("ocsp"), caPem, cert.pem(), "-no_nonce"), cert.pem());
        assertThat(new CoreApi(nodeB).search(cert.serialHex())).containsIgnoringCase(cert.serialHex().replaceFirst("^0+", ""));
        String never = "0x50" + HexFormat.of().formatHex(OcspFixtures.random(19));
        assertStatus(OpensslOcsp.query(dir, nodeB.url("ocsp"), caPem, List.of(), "-serial", never), never, "unknown", null);
    }

    /**
     * One request about both certificates, without a nonce, so that B's response cache, directory
     * cache and revocation refresh all stand between the change on A and B's answer.
     */
    @Test
    void changesMadeOnOneNodeShowOnTheOtherWithinTheDefaultBound(@TempDir Path dir) throws Exception {
        // B's admin token: B's start replaced A's (see theFirstNodesAdminTokenStillWorksAfterASecondNodeJoined).
        CoreApi apiA = new CoreApi(nodeA, nodeB);
        OcspFixtures.Issued unbound = OcspFixtures.enrollStatic(nodeA, dir, "revoked-on-a");
        UUID device = UUID.randomUUID();
        OcspFixtures.Issued bound = OcspFixtures.enrollBound(nodeA, dir, AAD_CHALLENGE, device);
        apiA.device(device, true);
        URI ocspB = nodeB.url("ocsp");
        Command.Result before = askB(dir, ocspB, unbound, bound);
        assertGood(before, unbound.pem());
        assertGood(before, bound.pem());

        long changedAt = System.nanoTime();
        apiA.revoked(unbound.serialHex(), 1);
        apiA.device(device, false);
        // On A itself: at once.
        assertStatus(OpensslOcsp.queryCert(dir, nodeA.url("ocsp"), caPem, unbound.pem()), unbound.pem(), "revoked", "keyCompromise");
        assertStatus(OpensslOcsp.queryCert(dir, nodeA.url("ocsp"), caPem, bound.pem()), bound.pem(), "revoked", "certificateHold");

        OpensslOcsp.Status revoked = new OpensslOcsp.Status("revoked", Optional.of("keyCompromise"));
        OpensslOcsp.Status onHold = new OpensslOcsp.Status("revoked", Optional.of("certificateHold"));
        Duration revokedAfter = null;
        Duration onHoldAfter = null;
        Command.Result last;
        do {
            last = askB(dir, ocspB, unbound, bound);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - changedAt);
            OpensslOcsp.assertVerified(last);
            if (revokedAfter == null && OpensslOcsp.statusOf(last, unbound.pem().toString()).equals(revoked)) {
                revokedAfter = elapsed;
            }
            if (onHoldAfter == null && OpensslOcsp.statusOf(last, bound.pem().toString()).equals(onHold)) {
                onHoldAfter = elapsed;
            }
            if (revokedAfter != null && onHoldAfter != null) {
                break;
            }
            assertThat(elapsed).as("node B still answers, %s after the changes on A:\n%s", elapsed, last)
                    .isLessThanOrEqualTo(DEFAULT_BOUND.plus(OcspFixtures.POLLING_SLACK));
            OcspFixtures.sleep(Duration.ofMillis(100));
        } while (true);

        // The store is shared: B knows the revocation is made.
        HttpResponse<byte[]> again = new CoreApi(nodeB).revoke(unbound.serialHex(), 4);
        assertThat(again.statusCode()).as(CoreApi.body(again)).isEqualTo(409);
        assertThat(new String(again.body())).contains("\"errorCode\":5013");

        apiA.device(device, true);
        Duration goodAfter = OcspFixtures.awaitStatus("device enabled on A, asked on B", DEFAULT_BOUND,
                () -> askB(dir, ocspB, unbound, bound), bound.pem().toString(), new OpensslOcsp.Status("good", Optional.empty()));
        System.out.printf("OcspOnPostgresTest: on node B, revoked after %d ms, on hold after %d ms, good again after %d ms (bound %d s)%n",
                revokedAfter.toMillis(), onHoldAfter.toMillis(), goodAfter.toMillis(), DEFAULT_BOUND.toSeconds());
    }

    private static Command.Result askB(Path dir, URI ocspB, OcspFixtures.Issued first, OcspFixtures.Issued second) {
        return OpensslOcsp.query(dir, ocspB, caPem, List.of(), "-cert", first.pem().toString(), "-cert", second.pem().toString(),
                "-no_nonce");
    }

    /**
     * The steady state reads no database per OCSP request: manual revocations and issued serials
     * live in memory (refreshed every {@code AppConfig:Store:RevocationRefreshSeconds}), the
     * binding is in the serial, and the directory's answer is cached. PostgreSQL counts every
     * transaction of a database, read-only ones included, in pg_stat_database; a per-request read
     * (a lookup of the serial, the revocation, the device) would add at least one transaction per
     * request. So once one request has warmed the directory cache, a burst of requests, every one
     * of them evaluated and signed (node C has no response cache, and half of them carry a nonce),
     * must add no more transactions than the refresher's own polls: two reads per interval, each
     * maybe preceded by the pool's connection check, plus a few pool keep-alives and our own reads
     * of the counter.
     *
     * <p>PostgreSQL 15 publishes a backend's counts when it goes idle, at most once a second, and an
     * idle backend with unpublished counts publishes them within 10 s; so the counter is read only
     * after 11 s of quiet, and the refresher's polls of the 10 s before a reading are allowed for
     * too. A control first shows that the counter sees the server's work: API searches, which do
     * read the database per call, must each add a transaction.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theSteadyStateReadsNoDatabasePerOcspRequest() throws Exception {
        int requests = 240;
        int searches = 40;
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(nodeC.caCertificate()), steadyCertificate.serial());
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            OCSPReqBuilder builder = new OCSPReqBuilder().addRequest(id);
            if (i % 2 == 1) {
                builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                        new DEROctetString(OcspFixtures.random(16)))));
            }
            bodies.add(builder.build().getEncoded());
        }
        CoreApi apiC = new CoreApi(nodeC);
        double answeredBefore = goodPosts();

        try (Connection counter = DriverManager.getConnection(readsDatabaseUrl, postgres.get().user(), postgres.get().password())) {
            // Quiet since node C was prepared in @BeforeAll (the other tests of this class ran meanwhile).
            OcspFixtures.sleep(QUIET.minus(Duration.ofNanos(System.nanoTime() - steadyPreparedAt)));
            long c0 = transactions(counter);
            long t0 = System.nanoTime();

            for (int i = 0; i < searches; i++) {
                apiC.search("control-" + i);
            }
            Duration controlTook = Duration.ofNanos(System.nanoTime() - t0);
            OcspFixtures.sleep(QUIET);
            long c1 = transactions(counter);
            long t1 = System.nanoTime();

            long burstStart = System.nanoTime();
            for (byte[] body : bodies) {
                HttpResponse<byte[]> response = nodeC.send(HttpRequest.newBuilder(nodeC.url("ocsp"))
                        .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
                assertThat(response.statusCode()).isEqualTo(200);
                OCSPResp parsed = new OCSPResp(response.body());
                assertThat(parsed.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
                assertThat(((BasicOCSPResp) parsed.getResponseObject()).getResponses()[0].getCertStatus()).as("good").isNull();
            }
            Duration burst = Duration.ofNanos(System.nanoTime() - burstStart);
            OcspFixtures.sleep(QUIET);
            long c2 = transactions(counter);
            Duration window = Duration.ofNanos(System.nanoTime() - t1);

            long control = c1 - c0;
            long grew = c2 - c1;
            // The window, plus the 10 s before it whose counts may be published inside it.
            long refreshes = (window.toMillis() + 10_000) / C_REFRESH.toMillis() + 1;
            long allowed = refreshes * 2 * 2 + 10 + 2;
            double answered = goodPosts() - answeredBefore;
            System.out.printf("OcspOnPostgresTest: control: %d API searches in %d ms added %d transactions; %d OCSP requests in %d ms "
                    + "added %d transactions over %d ms (allowed %d for %d refreshes, pool checks and our reads)%n", searches,
                    controlTook.toMillis(), control, requests, burst.toMillis(), grew, window.toMillis(), allowed, refreshes);
            assertThat(control).as("the counter sees the server's reads: %d searches", searches).isGreaterThanOrEqualTo(searches);
            assertThat(answered).as("every request answered and evaluated (good)").isEqualTo(requests);
            assertThat(allowed).as("the allowance stays far below one transaction per request").isLessThan(requests / 4);
            assertThat(grew).as("transactions in the database during %d OCSP requests", requests).isLessThanOrEqualTo(allowed);
        }
    }

    private static double goodPosts() {
        return Metrics.sum(nodeC.metrics(), "ocsp_requests_seconds_count", Map.of("method", "POST", "outcome", "good"));
    }

    /** Committed and rolled back transactions of the current database, as PostgreSQL has published them. */
    private static long transactions(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "select xact_commit + xact_rollback from pg_stat_database where datname = current_database()")) {
            assertThat(row.next()).isTrue();
            return row.getLong(1);
        }
    }
}
