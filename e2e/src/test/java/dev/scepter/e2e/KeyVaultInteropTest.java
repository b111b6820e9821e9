package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.sim.EntraIdSimulator;
import dev.scepter.azure.sim.GraphSimulator;
import dev.scepter.azure.sim.KeyVaultSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built launcher with the CA key in Azure Key Vault, simulated on loopback (the Key Vault
 * simulator's REST contract, ms_contracts.md 4.2), signed in as an app registration through the
 * simulated Entra ID (nothing leaves this machine, 169.254.169.254 included: the app
 * registration's secret is the sign-in, not a managed identity). Its first start's installation
 * creates the root CA in the vault; then certificates, the CRL and the OCSP responder's
 * certificate are signed there and SCEP envelopes unwrapped there. Real clients check the results:
 * scepclient, strongSwan's {@code pki --scep}, {@code openssl ocsp}, {@code openssl crl}. A vault that throttles gives the client
 * a protocol's answer: the certificate after Scepter waited out {@code Retry-After}, or a CertRep
 * FAILURE, never a 5xx; OCSP keeps answering.
 */
@ExtendWith(PrintServerLogOnFailure.class)
class KeyVaultInteropTest {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String APP = "0c5c3a4e-0a52-4d5e-9d5c-3b2f6a7e8d91";
    private static final String SECRET = "simulated-client-secret-" + UUID.randomUUID();
    private static final String CRL_TOKEN = "crl-vault-" + UUID.randomUUID();
    private static final String CA_NAME = "Scepter-Root-CA-V1";

    private static SimTls tls;
    private static SimTokens tokens;
    private static SimServer login;
    private static EntraIdSimulator entraId;
    private static SimServer graphHost;
    private static SimServer vaultHost;
    private static KeyVaultSimulator vault;
    private static ScepterProcess server;
    private static Path caPem;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        tls = SimTls.generate();
        tokens = new SimTokens(Instant::now);
        login = SimServer.start("entra-id", tls);
        entraId = new EntraIdSimulator(login, tokens).addSecret(TENANT, APP, SECRET);
        // Graph is not used (the directory is the embedded one), but the sign-in's homepage row asks a token for it: on loopback too.
        graphHost = SimServer.start("graph", tls);
        new GraphSimulator(graphHost, tokens, Instant::now);
        vaultHost = SimServer.start("keyvault", tls);
        vault = new KeyVaultSimulator(vaultHost, tokens);

        Path trustStore = dir.resolve("simulators.p12");
        tls.writeTrustStore(trustStore);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("AppConfig__AuthConfig__TenantId", TENANT);
        settings.put("AppConfig__AuthConfig__SignInApplicationId", APP);
        settings.put("AppConfig__AuthConfig__SignInClientSecret", SECRET);
        settings.put("AppConfig__AzureCloudConfig__AzureADEndpoint", login.uri().toString());
        settings.put("AppConfig__AzureCloudConfig__MSGraphEndpoint", graphHost.uri().toString());
        settings.put("AppConfig__Directory__Type", "Embedded");
        settings.put("AppConfig__KeyVaultConfig__KeyVaultURL", vault.vaultUrl() + "/");
        settings.put("AppConfig__CRL__RequestToken", CRL_TOKEN);
        settings.put("AppConfig__CRL__Source", "Storage");
        server = ScepterProcess.start(settings, List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=simulator", "-Djavax.net.ssl.trustStoreType=PKCS12"));
        caPem = server.caCertificatePem(dir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable simulator : new AutoCloseable[] {vaultHost, graphHost, login}) {
            try {
                if (simulator != null) {
                    simulator.close();
                }
            } catch (Exception e) {
                // closing a simulator that failed to start
            }
        }
    }

    @Test
    void theInstallationCreatedTheRootCaInTheVaultAndItsKeyNeverLeftIt() {
        assertThat(server.log()).contains("Create the root CA", "in Azure Key Vault " + vault.vaultUrl() + "/, certificate '" + CA_NAME + "'");
        assertThat(server.dataDir().resolve("ca.p12")).doesNotExist();
        assertThat(server.caCertificate().getPublicKey().getEncoded()).isEqualTo(vault.publicKey(CA_NAME).getEncoded());
        // Only the key's public half and the certificate object are read; nothing else (no PFX secret, no export) is asked for.
        assertThat(vaultHost.requests()).allSatisfy(request -> assertThat(request.path())
                .matches("/(keys|certificates)/" + CA_NAME + "(/.*)?"));
        assertThat(entraId.tokenRequests()).isNotEmpty()
                .allSatisfy(request -> assertThat(request.path()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token"));
        // One sign-in per process: the installation that made the CA, the CA key and the homepage share its token cache,
        // so the vault's token was asked for once (a sign-in of their own each asked for it again).
        assertThat(entraId.tokenRequests()).filteredOn(request -> URLDecoder.decode(request.bodyText(), StandardCharsets.UTF_8)
                .contains(KeyVaultSimulator.AUDIENCE + "/.default")).hasSize(1);
        assertThat(server.log()).doesNotContain(SECRET);

        String home = new String(server.get("").body(), StandardCharsets.UTF_8);
        assertThat(home).contains("Azure Key Vault", vault.vaultUrl(), "answers");
    }

    @Test
    void scepclientEnrollsThroughTheVaultOpensslOcspSaysGoodAndTheCrlVerifies(@TempDir Path work) throws Exception {
        int unwraps = vault.count("unwrapkey");
        // scepclient encrypts its request to the CA's RSA key: the vault unwraps the content key.
        OcspFixtures.Issued issued = OcspFixtures.enrollStatic(server, work, "vault-scepclient");
        assertThat(Openssl.verify(work, caPem, issued.pem()).stdout()).contains(": OK");
        assertThat(vault.count("unwrapkey")).isGreaterThan(unwraps);
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, issued.pem()), issued.pem());

        OcspFixtures.Issued revoked = OcspFixtures.enrollStatic(server, work, "vault-revoked");
        new CoreApi(server).revoked(revoked.serialHex(), 1);
        HttpResponse<byte[]> crl = server.get("crl/" + CRL_TOKEN);
        assertThat(crl.statusCode()).as(CoreApi.body(crl)).isEqualTo(200);
        Path der = Files.write(work.resolve("crl.der"), crl.body());
        Command.Result text = Command.run(work, "openssl", "crl", "-inform", "DER", "-in", der.toString(), "-text", "-noout",
                "-CAfile", caPem.toString());
        assertThat(text.output()).as("%s", text).contains("verify OK");
        assertThat(text.stdout()).as("%s", text).contains("Serial Number: " + revoked.serialHex())
                .doesNotContain("Serial Number: " + issued.serialHex());
    }

    @Test
    void strongswanPkiEnrollsThroughTheVaultAndOpensslOcspSaysGood(@TempDir Path work) throws Exception {
        int unwraps = vault.count("unwrapkey");
        int signs = vault.count("sign");
        // pki envelopes its request with AES to the CA's RSA key: the vault unwraps the content key and signs the certificate.
        Path key = StrongswanPki.generateKey(work);
        Command.Result client = StrongswanPki.scep(work, server.url("scep"), key, server.caCertificateDer(work),
                "C=US, O=Scepter e2e, CN=vault-pki", server.staticChallenge(), "aes");

        Path certificate = StrongswanPki.certificate(work);
        IssuedCertificates.assertIssuedAndRecorded(server, work, certificate, "vault-pki", client);
        assertThat(vault.count("unwrapkey")).isGreaterThan(unwraps);
        assertThat(vault.count("sign")).isGreaterThan(signs);
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, certificate), certificate);
    }

    @Test
    void aVaultThatThrottlesGivesTheClientAProtocolAnswerNotA5xx(@TempDir Path work) throws Exception {
        OcspFixtures.Issued before = OcspFixtures.enrollStatic(server, work, "vault-before-throttling");
        // The first signed OCSP answer has the vault sign the delegated responder's certificate; later ones do not.
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, before.pem()), before.pem());

        // Throttled briefly: Scepter waits out Retry-After (1 s, twice) and the client gets its certificate.
        vault.throttle("sign", 2, 429, 1);
        OcspFixtures.Issued waited = OcspFixtures.enrollStatic(server, work, "vault-waited-out");
        assertThat(Openssl.verify(work, caPem, waited.pem()).stdout()).contains(": OK");

        // Throttled for longer than a device waits (three tries): a CertRep FAILURE, badRequest, and nothing issued.
        vault.throttle("sign", 3, 429, 1);
        ScepMessages.Requester requester = ScepMessages.Requester.create("vault-throttled");
        ScepMessages.PkcsReq pkcsReq = ScepMessages.pkcsReq(requester, server.caCertificate(), "vault-throttled", server.staticChallenge());
        HttpResponse<byte[]> scep = server.send(HttpRequest.newBuilder(server.url("scep?operation=PKIOperation"))
                .header("Content-Type", "application/x-pki-message").POST(HttpRequest.BodyPublishers.ofByteArray(pkcsReq.der())).build());
        assertThat(scep.statusCode()).as("SCEP while the vault throttles: %s", new String(scep.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        ScepMessages.CertRep certRep = ScepMessages.readCertRep(scep.body(), server.caCertificate(), requester);
        assertThat(certRep.pkiStatus()).isEqualTo(ScepMessages.FAILURE);
        assertThat(certRep.failInfo()).isEqualTo(ScepMessages.BAD_REQUEST);
        assertThat(server.log()).contains("the CA key cannot sign now", "HTTP 429");

        // OCSP answers throughout: the delegated responder's key is in the server, not in the vault.
        vault.throttle("sign", 1000, 429, 1);
        try {
            int signs = vault.count("sign");
            OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, before.pem()), before.pem());
            assertThat(vault.count("sign")).isEqualTo(signs);
        } finally {
            vault.throttle("sign", 0, 429, 1);
        }
        // Once the vault answers again, the same device enrolls.
        OcspFixtures.Issued after = OcspFixtures.enrollStatic(server, work, "vault-throttled");
        assertThat(Openssl.verify(work, caPem, after.pem()).stdout()).contains(": OK");
    }
}
