package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.azure.keyvault.KeyVaultAccess;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.KeyVaultSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.keys.KeyCustody;
import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server with its CA key in Azure Key Vault (the Key Vault simulator, chosen by
 * {@code KeyVaultURL}): it enrolls and answers OCSP through the vault, reaches it with the one
 * sign-in it has, and a vault that throttles is a protocol's "try later", never a 500: SCEP a
 * CertRep FAILURE (badRequest, RFC 8894's only transient choice), the API 503 problem+json with
 * Retry-After, OCSP still answering (its delegated responder's key is local), and the CA row of
 * the homepage NOT CONNECTED with the reason. Nothing is issued that the client does not get.
 */
class KeyVaultCaTest {

    private static final String CHALLENGE = "vault-static-challenge";
    private static final SimTls TLS = SimTls.generate();
    private static final SimTokens SIM_TOKENS = new SimTokens(Instant::now);
    private static final List<URI> AUDIENCES = new CopyOnWriteArrayList<>();

    private static SimServer simServer;
    private static KeyVaultSimulator vault;
    private static RunningServer server;
    private static String csrToken;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The server's one sign-in: every token it asks for, Graph's or the vault's, comes from here. */
    private static final AccessTokens SIGN_IN = new AccessTokens() {
        @Override
        public String token(URI resource) {
            AUDIENCES.add(resource);
            return SIM_TOKENS.mint("scepter", resource.toString(), Duration.ofHours(1));
        }

        @Override
        public String describe() {
            return "simulated managed identity";
        }
    };

    @BeforeAll
    static void start() throws Exception {
        simServer = SimServer.start("keyvault", TLS);
        vault = new KeyVaultSimulator(simServer, SIM_TOKENS);
        // Retry-After waits are not slept here: the tests throttle with Retry-After 60 s, more than a caller waits.
        KeyVaultAccess access = new KeyVaultAccess(SIGN_IN, TLS.clientContext(), duration -> { }, Clock.systemUTC());
        server = RunningServer.start(Map.of("AppConfig:KeyVaultConfig:KeyVaultURL", vault.vaultUrl() + "/",
                "AppConfig:StaticValidation:RequestPassword", CHALLENGE, "AppConfig:DbCSRValidation:AllowDynamicChallenges", "true",
                // The homepage's rows are checked again 2 s after the last check, not 30 s: the throttled vault shows sooner.
                "AppConfig:Probe:ConnectionCheckSeconds", "2"), SIGN_IN, null, () -> access);
        ApiTokens tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom());
        csrToken = tokens.create("test", "csr", Set.of(ApiRole.CSR_REQUEST), Optional.empty()).value();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        simServer.close();
    }

    @Test
    void theInstallationMadeTheRootCaInTheVaultAndTheServerSignsThroughIt() throws Exception {
        assertThat(server.core.keys().kind()).isEqualTo(KeyCustody.Kind.KEY_VAULT);
        assertThat(server.core.ca().certificate().getSubjectPublicKeyInfo().getEncoded())
                .isEqualTo(vault.publicKey("Scepter-Root-CA-V1").getEncoded());
        assertThat(server.dataDir.resolve("ca.p12")).doesNotExist();
        int signs = vault.count("sign");

        PkiMessage certRep = enroll("tx-vault-ok");

        assertThat(certRep.pkiStatus()).as("failInfo %s", certRep.failInfo()).contains(PkiStatus.SUCCESS);
        X509CertificateHolder issued = issuedIn(certRep);
        assertThat(issued.isSignatureValid(new JcaContentVerifierProviderBuilder().build(server.core.ca().certificate()))).isTrue();
        // The certificate and the CertRep: two signatures; the request's key-transport key: one unwrap.
        assertThat(vault.count("sign")).isEqualTo(signs + 2);
        assertThat(AUDIENCES).contains(URI.create(KeyVaultSimulator.AUDIENCE));
    }

    @Test
    void aThrottledSignatureIsACertRepFailureAndNothingIsIssued() throws Exception {
        long before = server.core.storage().certificateStore().count();
        vault.throttle("sign", 1, 429, 60);

        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request("tx-vault-429"));

        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
        assertThat(certRep.signatureValid()).isTrue();
        assertThat(server.core.storage().certificateStore().count()).isEqualTo(before);
        // The same request once the vault answers again: issued.
        assertThat(enroll("tx-vault-429").pkiStatus()).contains(PkiStatus.SUCCESS);
    }

    @Test
    void aThrottledUnwrapIsACertRepFailureBadRequestNotABadMessageCheck() throws Exception {
        vault.throttle("unwrapkey", 1, 503, 60);

        PkiMessage certRep = enroll("tx-vault-unwrap");

        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
    }

    @Test
    void whenNotEvenAFailureCanBeSignedTheClientGets503WithRetryAfterNot500() throws Exception {
        vault.throttle("sign", 2, 429, 60);

        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request("tx-vault-503"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("The CA key cannot be used now; retry later.");
    }

    @Test
    void theApiAnswers503ProblemJsonWithRetryAfterAndOcspKeepsAnswering() throws Exception {
        // A certificate and a first OCSP answer while the vault answers: the responder's certificate is issued then.
        X509CertificateHolder issued = issuedIn(enroll("tx-vault-ocsp"));
        assertThat(ocspStatus(issued)).isEqualTo("good");
        vault.throttle("sign", 1000, 429, 60);
        try {
            HttpResponse<String> api = http.send(HttpRequest.newBuilder(server.url("/api/csr")).header("Content-Type", "application/pkcs10")
                    .header("Authorization", "Bearer " + csrToken).POST(HttpRequest.BodyPublishers.ofByteArray(csr("CN=api-vault"))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(api.statusCode()).isEqualTo(503);
            assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(api.headers().firstValue("Retry-After")).contains("10");
            assertThat(api.body()).contains("The CA key cannot be used now").doesNotContain("Exception").doesNotContain(vault.vaultUrl());
            // OCSP answers are signed by the delegated responder, whose key is in this process: no vault call.
            int signs = vault.count("sign");
            assertThat(ocspStatus(issued)).isEqualTo("good");
            assertThat(vault.count("sign")).isEqualTo(signs);

            // The homepage's CA row: the vault throttles (the API's calls teach it), and the probe fails. Rows are
            // checked in the background at most every ConnectionCheckSeconds (2 s here) and a page never waits for one:
            // it shows by the next check.
            // The check reuses a call's outcome younger than 30 s, else asks the vault itself (which reads the key,
            // unthrottled here): so requests go on failing meanwhile, as they do while a vault throttles. Waiting less
            // than the default 30 s makes this fail if the setting were ignored.
            String home = server.text("/");
            long shown = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (!home.contains("throttled (HTTP 429, Retry-After 60 s)") && System.nanoTime() < shown) {
                Thread.sleep(1000);
                assertThat(http.send(HttpRequest.newBuilder(server.url("/api/csr")).header("Content-Type", "application/pkcs10")
                        .header("Authorization", "Bearer " + csrToken).POST(HttpRequest.BodyPublishers.ofByteArray(csr("CN=api-vault"))).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
                home = server.text("/");
            }
            assertThat(home).contains("Azure Key Vault", "NOT CONNECTED", "throttled (HTTP 429, Retry-After 60 s)");
            HttpResponse<byte[]> probe = server.get("/probe");
            assertThat(probe.statusCode()).isEqualTo(503);
            assertThat(new String(probe.body(), StandardCharsets.UTF_8)).contains("CA: NOT CONNECTED");
        } finally {
            vault.throttle("sign", 0, 429, 60);
        }
    }

    @Test
    void aRoleRemovedWhileServingIsTryLaterForSCEPAndTheApiNot500() throws Exception {
        vault.deny("sign");
        try {
            // The CertRep FAILURE would be signed by the same refused key: the one answer left is 503 with Retry-After.
            HttpResponse<byte[]> scep = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request("tx-vault-403"));

            assertThat(scep.statusCode()).isEqualTo(503);
            assertThat(scep.headers().firstValue("Retry-After")).isPresent();
            assertThat(new String(scep.body(), StandardCharsets.UTF_8)).isEqualTo("The CA key cannot be used now; retry later.");

            HttpResponse<String> api = http.send(HttpRequest.newBuilder(server.url("/api/csr")).header("Content-Type", "application/pkcs10")
                    .header("Authorization", "Bearer " + csrToken).POST(HttpRequest.BodyPublishers.ofByteArray(csr("CN=api-vault-403"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(503);
            assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(api.body()).contains("The CA key cannot be used now").doesNotContain("Exception").doesNotContain(vault.vaultUrl());
        } finally {
            vault.allow("sign");
        }
        assertThat(enroll("tx-vault-403").pkiStatus()).contains(PkiStatus.SUCCESS);
    }

    @Test
    void anEnvelopeTheVaultCannotUnwrapIsTheClientsBadMessageCheck() throws Exception {
        // Encrypted for another key: Key Vault answers 400 to the unwrap, the client's fault and not the vault's outage.
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=tx-vault-junk"), DEVICE.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(DEVICE.getPrivate())).getEncoded();
        byte[] junk = ScepRequestBuilder.pkcsReq().signer(DEVICE, TestPki.selfSigned("CN=tx-vault-junk", DEVICE, false))
                .recipient(TestPki.STRANGER_CERT).messageData(csr).transactionId("tx-vault-junk").build();
        int unwraps = vault.count("unwrapkey");

        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", junk);

        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_MESSAGE_CHECK);
        assertThat(vault.count("unwrapkey")).isEqualTo(unwraps);
    }

    @Test
    void aRequestWhoseSignatureDoesNotVerifyNeverReachesTheVault() throws Exception {
        // Addressed to the vault's CA, so opening it would be an unwrapKey; signed by a key that is not its certificate's.
        byte[] csr = csr("CN=tx-vault-forged");
        KeyPair other = TestPki.rsa();
        byte[] forged = ScepRequestBuilder.pkcsReq().signer(DEVICE, TestPki.selfSigned("CN=tx-vault-forged", other, false))
                .recipient(server.core.ca().certificate()).messageData(csr).transactionId("tx-vault-forged").build();
        int unwraps = vault.count("unwrapkey");

        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", forged);

        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_MESSAGE_CHECK);
        assertThat(vault.count("unwrapkey")).as("unwrapKey calls for a request whose signature does not verify").isEqualTo(unwraps);

        // The same junk, signed as it claims to be: its signature verifies, so the envelope is opened (one unwrapKey).
        byte[] signedJunk = ScepRequestBuilder.pkcsReq().signer(DEVICE, TestPki.selfSigned("CN=tx-vault-signed-junk", DEVICE, false))
                .recipient(server.core.ca().certificate()).messageData(csr).transactionId("tx-vault-signed-junk").build();
        assertThat(server.post("/scep?operation=PKIOperation", "application/x-pki-message", signedJunk).statusCode()).isEqualTo(200);
        assertThat(vault.count("unwrapkey")).isEqualTo(unwraps + 1);
    }

    /** EST's simpleenroll with a one-time challenge as the HTTP Basic password (docs/est.md). */
    private HttpResponse<String> estEnroll(String challenge, String subject) throws Exception {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("device:" + challenge).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(server.url("/.well-known/est/simpleenroll")).header("Content-Type", "application/pkcs10")
                .header("Authorization", basic).POST(HttpRequest.BodyPublishers.ofByteArray(java.util.Base64.getMimeEncoder().encode(csr(subject))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEstOneTimeChallengeStoppedByTheVaultIsGivenBackAndEnrollsOnTheNextTry() throws Exception {
        String challenge = server.context.getBean(dev.scepter.authority.enrollment.OneTimeChallenges.class)
                .mint("test", Optional.empty(), Duration.ofMinutes(5)).value();
        long before = server.core.storage().certificateStore().count();
        vault.throttle("sign", 1, 429, 60);

        HttpResponse<String> stopped = estEnroll(challenge, "CN=est-vault-outage");

        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(503);
        assertThat(stopped.headers().firstValue("Retry-After")).isPresent();
        assertThat(stopped.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(server.core.storage().certificateStore().count()).as("nothing issued").isEqualTo(before);

        // The vault answers again: the same challenge, given back, lets the retry through, once.
        HttpResponse<String> retried = estEnroll(challenge, "CN=est-vault-outage");
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(dev.scepter.protocol.est.EstCodec.readCertsOnly(retried.body().getBytes(StandardCharsets.US_ASCII))).singleElement()
                .satisfies(certificate -> assertThat(certificate.getSubject()).isEqualTo(new X500Name("CN=est-vault-outage")));
        assertThat(server.core.storage().certificateStore().count()).isEqualTo(before + 1);
        assertThat(estEnroll(challenge, "CN=est-vault-outage").statusCode()).as("used up by the certificate it let through").isEqualTo(401);
    }

    private PkiMessage enroll(String transactionId) throws Exception {
        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request(transactionId));
        assertThat(response.statusCode()).isEqualTo(200);
        return PkiMessageDecoder.decode(response.body());
    }

    private static final KeyPair DEVICE = TestPki.rsa();

    private static byte[] request(String transactionId) throws Exception {
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + transactionId), DEVICE.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(CHALLENGE))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(DEVICE.getPrivate())).getEncoded();
        return ScepRequestBuilder.pkcsReq().signer(DEVICE, TestPki.selfSigned("CN=" + transactionId, DEVICE, false))
                .recipient(server.core.ca().certificate()).messageData(csr).transactionId(transactionId).build();
    }

    private static byte[] csr(String subject) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), DEVICE.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(DEVICE.getPrivate())).getEncoded();
    }

    private static X509CertificateHolder issuedIn(PkiMessage certRep) throws Exception {
        return new CMSSignedData(certRep.decryptEnvelope(KeyTransportDecryptor.of(DEVICE.getPrivate()))).getCertificates().getMatches(null)
                .iterator().next();
    }

    private String ocspStatus(X509CertificateHolder certificate) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), certificate.getSerialNumber());
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(server.url("/ocsp")).header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new OCSPReqBuilder().addRequest(id).build().getEncoded())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        OCSPResp ocsp = new OCSPResp(response.body());
        assertThat(ocsp.getStatus()).as("OCSP response status").isZero();
        Object status = ((BasicOCSPResp) ocsp.getResponseObject()).getResponses()[0].getCertStatus();
        return status == null ? "good" : status.getClass().getSimpleName();
    }
}
