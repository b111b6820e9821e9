package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.directory.DirectoryAdministration;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.IntuneSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Intune endpoint through SCEP, signed in to a simulated Intune: requests validated, then
 * notified with the issued certificate's serial and thumbprint; refusals, Intune down and a failed
 * success notification answered with a CertRep FAILURE; Intune's revocation requests carried out
 * so that OCSP says revoked, and their results uploaded.
 */
class IntuneEndpointTest {

    private static final String CLIENT = "scepter";
    private static final String PATH = "/certsrv/mscep/mscep.dll";
    /** AppConfig:IntuneValidation:EnrollmentBudgetSeconds here: half the default, so that the test of it waits half as long. */
    private static final Duration BUDGET = Duration.ofSeconds(15);
    private static SSLContext defaultTls;
    private static SimTls tls;
    private static SimTokens tokens;
    private static SimServer graph;
    private static IntuneSimulator intune;
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        tls = SimTls.generate();
        tokens = new SimTokens(Instant::now);
        graph = SimServer.start("graph", tls);
        intune = IntuneSimulator.start(tls, tokens, graph, Instant::now);
        tokens.grant(CLIENT, graph.uri().toString(), IntuneSimulator.GRAPH_ROLE);
        tokens.grant(CLIENT, IntuneSimulator.INTUNE_AUDIENCE, IntuneSimulator.SCEP_ROLE);
        // The core trusts the JVM's trust store, as it trusts Microsoft's public certificates in production.
        defaultTls = SSLContext.getDefault();
        SSLContext.setDefault(tls.clientContext());
        AccessTokens signedIn = new AccessTokens() {
            @Override
            public String token(URI resource) {
                return tokens.mint(CLIENT, resource.toString(), Duration.ofHours(1));
            }

            @Override
            public String describe() {
                return "simulated app registration";
            }
        };
        server = RunningServer.start(Map.of(
                "AppConfig:AzureCloudConfig:MSGraphEndpoint", graph.uri().toString(),
                "AppConfig:AzureCloudConfig:ManagementEndpoint", IntuneSimulator.INTUNE_AUDIENCE,
                "AppConfig:IntuneValidation:RevocationPollSeconds", "1",
                "AppConfig:IntuneValidation:EnrollmentBudgetSeconds", Long.toString(BUDGET.toSeconds())), signedIn);
    }

    @AfterAll
    static void stop() {
        server.close();
        intune.close();
        graph.close();
        SSLContext.setDefault(defaultTls);
    }

    /** A PKCSReq as an Intune SCEP profile makes it: CN and SAN URI holding the Intune device id. */
    private static byte[] pkcsReq(KeyPair keys, UUID device, String challenge) throws Exception {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "IntuneDeviceId://" + device)));
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + device), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge))
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
        return ScepRequestBuilder.pkcsReq().signer(keys, TestPki.selfSigned("CN=" + device, keys, false))
                .recipient(server.core.ca().certificate()).messageData(csr).transactionId("tx-" + UUID.randomUUID()).build();
    }

    private static String challengeFor(UUID device) {
        return intune.challengeFor("CN=" + device, Optional.of("IntuneDeviceId://" + device), Duration.ofMinutes(60));
    }

    private static PkiMessage send(byte[] request) throws Exception {
        HttpResponse<byte[]> response = server.post(PATH + "?operation=PKIOperation", "application/x-pki-message", request);
        assertThat(response.statusCode()).as("a CertRep, never an HTTP error").isEqualTo(200);
        return PkiMessageDecoder.decode(response.body());
    }

    private static X509CertificateHolder issued(PkiMessage certRep, KeyPair keys) throws Exception {
        assertThat(certRep.pkiStatus()).as("failInfo %s", certRep.failInfo()).contains(PkiStatus.SUCCESS);
        return new CMSSignedData(certRep.decryptEnvelope(KeyTransportDecryptor.of(keys.getPrivate())))
                .getCertificates().getMatches(null).iterator().next();
    }

    private static String serialHex(BigInteger serial) {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }

    private static IntuneSimulator.Notification notificationOf(String transactionId) {
        return intune.notifications().stream().filter(n -> n.field("transactionId").asString().equals(transactionId)).findFirst()
                .orElseThrow();
    }

    private static IssuedCertificate record(BigInteger serial) {
        return server.core.storage().certificateStore().find(server.core.ca().certificate().getSubject().toString(), serial).orElseThrow();
    }

    @Test
    void anIntuneDeviceEnrollsValidatedByIntuneAndIntuneIsNotifiedWithTheSerialAndThumbprint() throws Exception {
        UUID device = UUID.randomUUID();
        // Known to the directory, so that OCSP's answer turns on the delivery hold alone.
        server.context.getBean(DirectoryAdministration.class).put("test",
                new EmbeddedDirectory.Entry(DirectoryObjectType.DEVICE, device, true, Optional.empty()));
        KeyPair keys = TestPki.rsa();
        byte[] request = pkcsReq(keys, device, challengeFor(device));

        X509CertificateHolder certificate = issued(send(request), keys);

        assertThat(certificate.getSerialNumber().shiftRight(19 * 8).intValue()).as("an Intune device's type byte").isEqualTo(0x41);
        assertThat(record(certificate.getSerialNumber()).binding().orElseThrow().objectId()).isEqualTo(device);
        String transactionId = PkiMessageDecoder.decode(request).transactionId();
        IntuneSimulator.Notification success = notificationOf(transactionId);
        assertThat(success.action()).isEqualTo("successNotification");
        assertThat(success.field("certificateSerialNumber").asString()).isEqualTo(serialHex(certificate.getSerialNumber()));
        assertThat(success.field("certificateThumbprint").asString()).isEqualTo(
                HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded())));
        assertThat(success.field("callerInfo").asString()).startsWith("Scepter/");
        assertThat(record(certificate.getSerialNumber()).revocation()).as("the delivery hold is lifted").isEmpty();
        assertThat(ocsp(certificate.getSerialNumber()).getCertStatus()).as("good once Intune acknowledged it").isNull();
    }

    /**
     * WaitForSuccessNotificationResponse (the default): between issuance and Intune's answer the
     * certificate is on its delivery hold, and OCSP says so (revoked, certificateHold), never good;
     * once Intune answered Success it is good (docs/configuration.md).
     */
    @Test
    void whileIntuneHasNotAnsweredTheSuccessNotificationOcspAnswersCertificateHoldThenGood() throws Exception {
        UUID device = UUID.randomUUID();
        server.context.getBean(DirectoryAdministration.class).put("test",
                new EmbeddedDirectory.Entry(DirectoryObjectType.DEVICE, device, true, Optional.empty()));
        KeyPair keys = TestPki.rsa();
        byte[] request = pkcsReq(keys, device, challengeFor(device));
        IntuneSimulator.Hold hold = intune.holdNext("successNotification");
        java.util.concurrent.CompletableFuture<PkiMessage> certRep = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return send(request);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        BigInteger serial;
        try {
            JsonNode notification = hold.awaitArrival(Duration.ofSeconds(20)).path("notification");
            serial = new BigInteger(notification.path("certificateSerialNumber").asString(), 16);

            assertThat(ocsp(serial).getCertStatus()).as("issued, awaiting Intune's acknowledgement")
                    .isInstanceOfSatisfying(RevokedStatus.class, held -> assertThat(held.getRevocationReason()).isEqualTo(6));
            assertThat(certRep).as("the device still waits").isNotDone();
        } finally {
            hold.release();
        }

        X509CertificateHolder certificate = issued(certRep.get(30, java.util.concurrent.TimeUnit.SECONDS), keys);
        assertThat(certificate.getSerialNumber()).isEqualTo(serial);
        assertThat(ocsp(serial).getCertStatus()).as("good once Intune acknowledged it, at once on this instance").isNull();
    }

    @Test
    void aRequestIntuneRefusesOrCannotValidateGetsACertRepFailure() throws Exception {
        UUID device = UUID.randomUUID();
        String forAnother = challengeFor(UUID.randomUUID());
        PkiMessage refused = send(pkcsReq(TestPki.rsa(), device, forAnother));
        assertThat(refused.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(refused.failInfo()).contains(FailInfo.BAD_REQUEST);

        intune.failNext("validateRequest", 500);
        PkiMessage failing = send(pkcsReq(TestPki.rsa(), device, challengeFor(device)));
        assertThat(failing.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(failing.failInfo()).contains(FailInfo.BAD_REQUEST);
    }

    @Test
    void aFailedSuccessNotificationLeavesNoCertificateWithTheDeviceAndTheRecordRevoked() throws Exception {
        UUID device = UUID.randomUUID();
        byte[] request = pkcsReq(TestPki.rsa(), device, challengeFor(device));
        // 500: a 503 would be sent again after its Retry-After, and succeed.
        intune.failNext("successNotification", 500);

        PkiMessage certRep = send(request);

        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
        IssuedCertificate withheld = server.core.storage().certificateStore()
                .findByTransactionId(server.core.ca().certificate().getSubject().toString(), certRep.transactionId()).get(0);
        assertThat(withheld.revocation()).hasValueSatisfying(revocation -> {
            assertThat(revocation.reason()).as("cessationOfOperation, not the delivery hold").isEqualTo(5);
            assertThat(revocation.isDeliveryHold()).isFalse();
        });
        assertThat(ocsp(withheld.serialNumber()).getCertStatus()).isInstanceOfSatisfying(RevokedStatus.class,
                revoked -> assertThat(revoked.getRevocationReason()).isEqualTo(5));
    }

    @Test
    void aSlowIntuneHoldsAnEnrollmentNoLongerThanItsBudgetAndTheDeviceGetsACertRepFailure() throws Exception {
        UUID device = UUID.randomUUID();
        byte[] request = pkcsReq(TestPki.rsa(), device, challengeFor(device));
        // Every Intune answer comes after 9 s, inside each call's 20 s timeout: the validation is
        // answered, and so would the success notification be, 18 s after the request, but for the
        // 15 s (BUDGET) that the whole enrollment may wait for Intune.
        intune.server().silence(Duration.ofSeconds(9));
        long started = System.nanoTime();
        PkiMessage certRep;
        try {
            certRep = send(request);
        } finally {
            intune.server().silence(Duration.ZERO);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
        assertThat(took).as("the budget for Intune, and a margin for the rest").isLessThan(BUDGET.plusSeconds(15));
        assertThat(server.core.storage().certificateStore()
                .findByTransactionId(server.core.ca().certificate().getSubject().toString(), certRep.transactionId()))
                .as("issued after the validation, withheld when the notification ran out of time")
                .allSatisfy(withheld -> assertThat(withheld.revocation()).isPresent());
    }

    @Test
    void aRevocationRequestFromIntuneRevokesTheCertificateForOcspAndItsResultIsUploaded() throws Exception {
        UUID device = UUID.randomUUID();
        server.context.getBean(DirectoryAdministration.class).put("test",
                new EmbeddedDirectory.Entry(DirectoryObjectType.DEVICE, device, true, Optional.empty()));
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder certificate = issued(send(pkcsReq(keys, device, challengeFor(device))), keys);
        assertThat(ocsp(certificate.getSerialNumber()).getCertStatus()).as("good").isNull();

        String context = intune.requestRevocation(serialHex(certificate.getSerialNumber()),
                server.issuerName());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (intune.uploadedResults().stream().noneMatch(r -> r.path("requestContext").asString().equals(context))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(intune.uploadedResults()).filteredOn(r -> r.path("requestContext").asString().equals(context)).singleElement()
                .satisfies(result -> {
                    assertThat(result.path("succeeded").asBoolean()).isTrue();
                    assertThat(result.path("errorCode").asString()).isEqualTo("0");
                });
        assertThat(ocsp(certificate.getSerialNumber()).getCertStatus()).isInstanceOfSatisfying(RevokedStatus.class,
                revoked -> assertThat(revoked.getRevocationReason()).isEqualTo(5));
    }

    @Test
    void theHomepageShowsTheIntuneEndpointValidatedByIntune() throws Exception {
        // Intune's latest answer is shown while it failed: an enrollment that succeeds clears an earlier test's fault.
        UUID device = UUID.randomUUID();
        KeyPair keys = TestPki.rsa();
        issued(send(pkcsReq(keys, device, challengeFor(device))), keys);
        String page = server.text("/");
        String row = HomepageTest.row(page, "SCEP /certsrv/mscep/mscep.dll");
        assertThat(row).contains("ENABLED", "validated by Intune", "simulated app registration", "polled every 1 s")
                .doesNotContain("NOT CONFIGURED");
        assertThat(page).doesNotContain("Intune SCEP validation is not configured");
    }

    private static org.bouncycastle.cert.ocsp.SingleResp ocsp(BigInteger serial) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), serial);
        HttpResponse<byte[]> response = server.post("/ocsp", "application/ocsp-request",
                new OCSPReqBuilder().addRequest(id).build().getEncoded());
        OCSPResp answer = new OCSPResp(response.body());
        assertThat(answer.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        return ((BasicOCSPResp) answer.getResponseObject()).getResponses()[0];
    }
}
