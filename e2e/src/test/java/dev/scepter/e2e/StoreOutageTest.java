package dev.scepter.e2e;

import static dev.scepter.e2e.OpensslOcsp.assertGood;
import static dev.scepter.e2e.OpensslOcsp.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.store.jdbc.PostgresServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL outage, on a real server process stopped and started again under a running
 * Scepter: every device path answers in its protocol's terms within about 2 s (OCSP tryLater for
 * a known and an unknown serial, by POST and GET, cached or not; SCEP 503 with Retry-After, the
 * answer docs/operations.md chooses; {@code /probe} 503), and everything serves again once the
 * database is back, without a restart. Before issue 10, OCSP for an unknown serial and SCEP
 * answered HTTP 500 with a JSON body after about 10 s.
 */
class StoreOutageTest {

    /** "Within about 2 s", with room for openssl's own start on a busy 2-core machine. */
    private static final Duration PROMPT = Duration.ofMillis(2_500);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    @Order(1)
    static final ClassFixture<PostgresServer> postgres = ClassFixture.of(PostgresServer::start);
    @RegisterExtension
    @Order(2)
    static final ScepterServerExtension node = ScepterServerExtension.withSettings(() -> Map.of(
            "AppConfig__Database__Url", postgres.get().jdbcUrl(),
            "AppConfig__Database__User", postgres.get().user(),
            "AppConfig__Database__Password", postgres.get().password()));

    @Test
    void duringAnOutageEveryDevicePathAnswersInItsProtocolAndAllRecoversWithoutARestart(@TempDir Path dir) throws Exception {
        Path caPem = node.caCertificatePem(dir);
        OcspFixtures.Issued known = OcspFixtures.enrollStatic(node, dir, "before-outage");
        String unknown = "0x50" + HexFormat.of().formatHex(OcspFixtures.random(19));
        URI ocsp = node.url("ocsp");
        // Without a nonce: the node caches this answer, so the outage below meets a cache hit.
        assertGood(OpensslOcsp.queryCert(dir, ocsp, caPem, known.pem(), "-no_nonce"), known.pem());
        assertStatus(OpensslOcsp.query(dir, ocsp, caPem, List.of(), "-serial", unknown), unknown, "unknown", null);
        byte[] knownRequest = new OCSPReqBuilder().addRequest(new CertificateID(
                new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(node.caCertificate()), known.serial())).build().getEncoded();
        ScepMessages.Requester requester = ScepMessages.Requester.create("during-outage");
        byte[] pkcsReq = ScepMessages.pkcsReq(requester, node.caCertificate(), "during-outage", node.staticChallenge()).der();

        postgres.get().stopServer();
        long stoppedAt = System.nanoTime();

        Command.Result unknownDuring = timed("OCSP POST, a serial never issued", () ->
                OpensslOcsp.query(dir, ocsp, caPem, List.of(), "-serial", "0x50" + HexFormat.of().formatHex(OcspFixtures.random(19))));
        assertThat(unknownDuring.output()).as("%s", unknownDuring).contains("Responder Error: trylater (3)");

        HttpResponse<byte[]> scep = timed("SCEP PKIOperation", () -> node.send(HttpRequest.newBuilder(node.url("scep?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message").POST(HttpRequest.BodyPublishers.ofByteArray(pkcsReq)).build()));
        assertThat(scep.statusCode()).as("SCEP during the outage: %s", new String(scep.body(), StandardCharsets.UTF_8)).isEqualTo(503);
        assertThat(scep.headers().firstValue("Retry-After")).isPresent();
        assertThat(new String(scep.body(), StandardCharsets.UTF_8)).doesNotContain("{", "Exception", "SQL");

        Command.Result knownDuring = timed("OCSP POST, a known serial (nonce)", () -> OpensslOcsp.queryCert(dir, ocsp, caPem, known.pem()));
        assertThat(knownDuring.output()).as("%s", knownDuring).contains("Responder Error: trylater (3)");
        Command.Result cachedDuring = timed("OCSP POST, a known serial whose answer is cached",
                () -> OpensslOcsp.queryCert(dir, ocsp, caPem, known.pem(), "-no_nonce"));
        assertThat(cachedDuring.output()).as("%s", cachedDuring).contains("Responder Error: trylater (3)");
        HttpResponse<byte[]> get = timed("OCSP GET, a known serial", () -> node.get("ocsp/"
                + URLEncoder.encode(Base64.getEncoder().encodeToString(knownRequest), StandardCharsets.US_ASCII)));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(new OCSPResp(get.body()).getStatus()).isEqualTo(OCSPResp.TRY_LATER);

        HttpResponse<byte[]> probe = timed("/probe", () -> node.get("probe"));
        assertThat(probe.statusCode()).isEqualTo(503);
        assertThat(new String(probe.body(), StandardCharsets.UTF_8)).contains("Storage: NOT CONNECTED");

        Path client = Files.createDirectories(dir.resolve("scepclient-during"));
        Command.Result scepclient = Scepclient.enroll(client, node.url("scep"), node.staticChallenge(), "scepclient-during");
        assertThat(scepclient.exitCode()).as("scepclient gets no certificate during the outage:\n%s", scepclient).isNotZero();
        System.out.printf("StoreOutageTest: the outage lasted %d ms when every check had passed%n",
                Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());

        postgres.get().startAgain();
        long restartedAt = System.nanoTime();
        Duration goodAfter = OcspFixtures.awaitStatus("OCSP after PostgreSQL is back", RECOVERY_BOUND,
                () -> OpensslOcsp.queryCert(dir, ocsp, caPem, known.pem()), known.pem().toString(),
                new OpensslOcsp.Status("good", java.util.Optional.empty()));
        System.out.printf("StoreOutageTest: OCSP good again %d ms after PostgreSQL started again%n", goodAfter.toMillis());
        assertStatus(OpensslOcsp.query(dir, ocsp, caPem, List.of(), "-serial", unknown), unknown, "unknown", null);
        assertThat(node.get("probe").statusCode()).isEqualTo(200);
        OcspFixtures.Issued after = OcspFixtures.enrollStatic(node, dir, "after-outage");
        assertGood(OpensslOcsp.queryCert(dir, ocsp, caPem, after.pem()), after.pem());
        System.out.printf("StoreOutageTest: enrolled and answered good %d ms after PostgreSQL started again%n",
                Duration.ofNanos(System.nanoTime() - restartedAt).toMillis());
        assertThat(node.log()).as("no stack trace reached the log for a device request")
                .doesNotContainPattern("(?m)^\\s+at dev\\.scepter\\.server\\.(ocsp|scep)\\.");
    }

    private static <T> T timed(String what, Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("StoreOutageTest: during the outage, %s answered in %d ms%n", what, took.toMillis());
        assertThat(took).as("%s during the outage", what).isLessThanOrEqualTo(PROMPT);
        return result;
    }
}
