package dev.scepter.e2e;

import static dev.scepter.e2e.OpensslOcsp.assertGood;
import static dev.scepter.e2e.OpensslOcsp.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.sim.AzuriteServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of the built launcher sharing one Azure Table Storage account, a real Azurite on
 * loopback ({@code AppConfig:CertificateStorage:ConnectionString}): a certificate enrolled on A
 * with scepclient is found by the API's search on B, revoked on B, and OCSP on A says revoked
 * within the default bound. With Azurite stopped, each path answers in its protocol's terms:
 * OCSP tryLater, SCEP 503 with Retry-After, the API 503 problem+json, never another 5xx.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TableStorageOnAzuriteTest {

    private static final Duration DEFAULT_BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    @Order(1)
    static final ClassFixture<AzuriteServer> azurite = ClassFixture.of(
            () -> AzuriteServer.startInMemory(Files.createTempDirectory("scepter-azurite")));
    @RegisterExtension
    @Order(2)
    static final ScepterServerExtension nodeA = ScepterServerExtension.withSettings(TableStorageOnAzuriteTest::tables);
    /** Node B shares A's CA: without it, it would refuse tables that hold another CA's certificates. */
    @RegisterExtension
    @Order(3)
    static final ScepterServerExtension nodeB = ScepterServerExtension.withSettings(TableStorageOnAzuriteTest::tables)
            .preparingDataFolder(dataB -> {
                for (String file : List.of("ca.p12", "ca.p12.password")) {
                    Files.copy(nodeA.dataDir().resolve(file), dataB.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
                }
            });
    @TempDir
    static Path shared;
    private static Path caPem;

    private static Map<String, String> tables() {
        return Map.of("AppConfig__CertificateStorage__ConnectionString", azurite.get().connectionString());
    }

    @BeforeAll
    static void sharedCa() throws Exception {
        caPem = nodeA.caCertificatePem(shared);
        assertThat(nodeB.caCertificate()).isEqualTo(nodeA.caCertificate());
    }

    @Test
    @Order(1)
    void enrolledOnAFoundAndRevokedOnBAndOcspOnASaysRevoked(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(nodeA, dir, "issued-on-a");
        URI ocspA = nodeA.url("ocsp");
        assertGood(OpensslOcsp.queryCert(dir, ocspA, caPem, cert.pem()), cert.pem());

        CoreApi apiB = new CoreApi(nodeB);
        assertThat(apiB.search(cert.serialHex())).containsIgnoringCase(cert.serialHex().replaceFirst("^0+", ""));
        long revokedAt = System.nanoTime();
        apiB.revoked(cert.serialHex(), 1);

        Duration after = OcspFixtures.awaitStatus("revoked on B, asked on A", DEFAULT_BOUND,
                () -> OpensslOcsp.queryCert(dir, ocspA, caPem, cert.pem(), "-no_nonce"), cert.pem().toString(),
                new OpensslOcsp.Status("revoked", Optional.of("keyCompromise")));
        System.out.printf("TableStorageOnAzuriteTest: revoked on B, OCSP on A said revoked after %d ms (%d ms since the call)%n",
                after.toMillis(), Duration.ofNanos(System.nanoTime() - revokedAt).toMillis());
        assertThat(new String(nodeA.get("").body(), StandardCharsets.UTF_8))
                .contains("Azure Table Storage at " + azurite.get().tableEndpoint()).doesNotContain(AzuriteServer.ACCOUNT_KEY);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void withAzuriteStoppedEveryPathAnswersInItsProtocol(@TempDir Path dir) throws Exception {
        ScepMessages.Requester requester = ScepMessages.Requester.create("during-outage");
        byte[] pkcsReq = ScepMessages.pkcsReq(requester, nodeA.caCertificate(), "during-outage", nodeA.staticChallenge()).der();
        azurite.get().stop();

        Command.Result ocsp = OpensslOcsp.query(dir, nodeA.url("ocsp"), caPem, List.of(), "-serial",
                "0x50" + HexFormat.of().formatHex(OcspFixtures.random(19)));
        assertThat(ocsp.output()).as("%s", ocsp).contains("Responder Error: trylater (3)");

        HttpResponse<byte[]> scep = nodeA.send(HttpRequest.newBuilder(nodeA.url("scep?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message").POST(HttpRequest.BodyPublishers.ofByteArray(pkcsReq)).build());
        assertThat(scep.statusCode()).as("SCEP: %s", new String(scep.body(), StandardCharsets.UTF_8)).isEqualTo(503);
        assertThat(scep.headers().firstValue("Retry-After")).isPresent();

        HttpResponse<byte[]> search = new CoreApi(nodeB).send("GET", "api/manage/search?searchText=x", null);
        assertThat(search.statusCode()).as("API search: %s", CoreApi.body(search)).isEqualTo(503);
        assertThat(search.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(CoreApi.body(search)).doesNotContain("Exception", AzuriteServer.ACCOUNT_KEY);

        HttpResponse<byte[]> home = nodeB.get("");
        assertThat(home.statusCode()).isLessThan(500);
        assertThat(new String(home.body(), StandardCharsets.UTF_8)).contains("NOT CONNECTED")
                .contains("Azure Table Storage cannot answer").doesNotContain(AzuriteServer.ACCOUNT_KEY);
        assertThat(nodeA.log() + nodeB.log()).doesNotContain(AzuriteServer.ACCOUNT_KEY);
    }
}
