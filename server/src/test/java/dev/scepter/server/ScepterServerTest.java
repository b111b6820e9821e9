package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core in one JVM, spoken to over HTTP as a SCEP client, a browser and a monitor would. */
class ScepterServerTest {

    private static final String CHALLENGE = "static-challenge-for-tests";
    private static RunningServer server;
    private static KeyPair device;
    private static X509CertificateHolder deviceSelfSigned;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of("AppConfig:StaticValidation:RequestPassword", CHALLENGE,
                "AppConfig:BaseUrl", "http://scepter.test", "AppConfig:LicenseKey", "trial"));
        device = TestPki.rsa();
        deviceSelfSigned = TestPki.selfSigned("CN=device-42", device, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static PKCS10CertificationRequest csr(String challenge) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=device-42"), device.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate()));
    }

    static byte[] pkcsReq(String challenge) throws Exception {
        return ScepRequestBuilder.pkcsReq().signer(device, deviceSelfSigned).recipient(server.core.ca().certificate())
                .messageData(csr(challenge).getEncoded()).transactionId("tx-" + System.nanoTime()).build();
    }

    @Test
    void getCaCapsAdvertisesWhatClientsNeed() throws Exception {
        HttpResponse<byte[]> response = server.get("/scep?operation=GetCACaps");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.US_ASCII).split("\n"))
                .contains("POSTPKIOperation", "SHA-256", "SHA-512", "AES", "DES3", "SCEPStandard")
                // AppConfig:StaticValidation:AllowRenewals is off by default: a RenewalReq would be refused (RFC 8894 section 3.5.2).
                .doesNotContain("Renewal");
    }

    @Test
    void getCaCertAnswersTheCaCertificateAloneAsDer() throws Exception {
        HttpResponse<byte[]> response = server.get("/static/pkiclient.exe?operation=GetCACert");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/x-x509-ca-cert");
        assertThat(response.body()).isEqualTo(server.core.ca().certificate().getEncoded());
    }

    @Test
    void aPkcsReqWithTheChallengeIsIssuedRecordedAndReturnedEncryptedForTheClient() throws Exception {
        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", pkcsReq(CHALLENGE));

        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.SUCCESS);
        assertThat(certRep.signatureValid()).isTrue();
        byte[] certsOnly = certRep.decryptEnvelope(KeyTransportDecryptor.of(device.getPrivate()));
        X509CertificateHolder issued = new CMSSignedData(certsOnly).getCertificates().getMatches(null).iterator().next();
        byte[] issuedDer = issued.getEncoded();
        assertThat(issued.getSubject().toString()).isEqualTo("CN=device-42");
        assertThat(issued.isSignatureValid(new JcaContentVerifierProviderBuilder().build(server.core.ca().certificate()))).isTrue();

        Optional<IssuedCertificate> record = server.core.storage().certificateStore()
                .find(server.core.ca().certificate().getSubject().toString(), issued.getSerialNumber());
        assertThat(record).hasValueSatisfying(r -> {
            assertThat(r.der()).isEqualTo(issuedDer);
            assertThat(r.endpoint()).isEqualTo("static");
            assertThat(r.transactionId()).contains(certRep.transactionId());
            assertThat(r.requester()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void aKeyWithAFactorBelow752GetsACertRepFailureWithBadRequestAndIssuesNothing() throws Exception {
        // Baseline Requirements 6.1.6: BouncyCastle loads this key (its small-prime list stops at 743) and its signatures verify.
        java.math.BigInteger large = java.math.BigInteger.probablePrime(2038, new java.util.Random(751));
        java.math.BigInteger e = java.math.BigInteger.valueOf(65537);
        java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
        java.math.BigInteger modulus = large.multiply(java.math.BigInteger.valueOf(751));
        KeyPair weak = new KeyPair(rsa.generatePublic(new java.security.spec.RSAPublicKeySpec(modulus, e)),
                rsa.generatePrivate(new java.security.spec.RSAPrivateKeySpec(modulus,
                        e.modInverse(java.math.BigInteger.valueOf(750).multiply(large.subtract(java.math.BigInteger.ONE))))));
        // Signed with a good key: signed with this one, the signer's check would refuse it first (badMessageCheck).
        byte[] request = ScepRequestBuilder.pkcsReq().signer(device, deviceSelfSigned)
                .recipient(server.core.ca().certificate())
                .messageData(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=device-751"), weak.getPublic())
                        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(CHALLENGE))
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(weak.getPrivate())).getEncoded())
                .transactionId("tx-751-" + System.nanoTime()).build();
        long before = server.core.storage().certificateStore().count();

        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request);

        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
        assertThat(server.core.storage().certificateStore().count()).isEqualTo(before);
    }

    @Test
    void aSignerKeyWithAPrimeModulusGetsACertRepFailureWithBadMessageCheckAndIssuesNothing() throws Exception {
        // The CSR's key is good; the self-signed certificate that signs the request has a prime
        // modulus, whose signatures ACCP and the JDK verify and whose private exponent anyone
        // computes (d = e^-1 mod n-1): the CertRep must not be encrypted to it, nor anything issued.
        java.math.BigInteger n = java.math.BigInteger.probablePrime(2048, new java.util.Random(8894));
        java.math.BigInteger e = java.math.BigInteger.valueOf(65537);
        // BouncyCastle refuses to load it; the JDK's provider signs with it.
        java.security.Provider jdk = java.security.Security.getProvider("SunRsaSign");
        java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA", jdk);
        KeyPair prime = new KeyPair(rsa.generatePublic(new java.security.spec.RSAPublicKeySpec(n, e)),
                rsa.generatePrivate(new java.security.spec.RSAPrivateKeySpec(n, e.modInverse(n.subtract(java.math.BigInteger.ONE)))));
        java.time.Instant now = java.time.Instant.now();
        X500Name name = new X500Name("CN=device-42");
        X509CertificateHolder primeSelfSigned = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                java.util.Date.from(now.minusSeconds(3600)), java.util.Date.from(now.plusSeconds(86400)), name, prime.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(jdk).build(prime.getPrivate()));
        byte[] request = ScepRequestBuilder.pkcsReq().signer(prime, primeSelfSigned).signingProvider(jdk)
                .recipient(server.core.ca().certificate())
                .messageData(csr(CHALLENGE).getEncoded())
                .transactionId("tx-prime-signer-" + System.nanoTime()).build();
        long before = server.core.storage().certificateStore().count();

        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request);

        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_MESSAGE_CHECK);
        assertThat(server.core.storage().certificateStore().count()).isEqualTo(before);
    }

    @Test
    void aWrongChallengeGetsACertRepFailureWithBadRequestAndIssuesNothing() throws Exception {
        long before = server.core.storage().certificateStore().count();
        HttpResponse<byte[]> response = server.post("/static?operation=PKIOperation", "application/x-pki-message", pkcsReq("guess"));

        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
        assertThat(server.core.storage().certificateStore().count()).isEqualTo(before);
    }

    @Test
    void certPollAndGetCertReturnACertificateWeIssuedAndBadCertIdOtherwise() throws Exception {
        byte[] request = ScepRequestBuilder.pkcsReq().signer(device, deviceSelfSigned).recipient(server.core.ca().certificate())
                .messageData(csr(CHALLENGE).getEncoded()).transactionId("tx-poll").build();
        PkiMessage issued = PkiMessageDecoder.decode(server.post("/scep?operation=PKIOperation", "application/x-pki-message", request).body());
        X509CertificateHolder certificate = new CMSSignedData(issued.decryptEnvelope(KeyTransportDecryptor.of(device.getPrivate())))
                .getCertificates().getMatches(null).iterator().next();

        byte[] issuerAndSubject = new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
            server.core.ca().certificate().getSubject(), certificate.getSubject()}).getEncoded();
        PkiMessage polled = send(ScepRequestBuilder.pkcsReq().messageType(dev.scepter.protocol.scep.MessageType.CERT_POLL)
                .transactionId("tx-poll").messageData(issuerAndSubject));
        assertThat(polled.pkiStatus()).contains(PkiStatus.SUCCESS);
        assertThat(certificateIn(polled)).isEqualTo(certificate);
        PkiMessage unknownPoll = send(ScepRequestBuilder.pkcsReq().messageType(dev.scepter.protocol.scep.MessageType.CERT_POLL)
                .transactionId("tx-never").messageData(issuerAndSubject));
        assertThat(unknownPoll.failInfo()).contains(FailInfo.BAD_CERT_ID);
        PkiMessage pollElsewhere = PkiMessageDecoder.decode(server.post("/certsrv/mscep/mscep.dll?operation=PKIOperation",
                "application/x-pki-message", ScepRequestBuilder.pkcsReq().messageType(dev.scepter.protocol.scep.MessageType.CERT_POLL)
                        .transactionId("tx-poll").messageData(issuerAndSubject).signer(device, deviceSelfSigned)
                        .recipient(server.core.ca().certificate()).build()).body());
        assertThat(pollElsewhere.failInfo()).as("polled on an endpoint that did not issue it").contains(FailInfo.BAD_CERT_ID);

        byte[] issuerAndSerial = new org.bouncycastle.asn1.cms.IssuerAndSerialNumber(server.core.ca().certificate().getSubject(),
                certificate.getSerialNumber()).getEncoded();
        PkiMessage got = send(ScepRequestBuilder.pkcsReq().messageType(dev.scepter.protocol.scep.MessageType.GET_CERT)
                .transactionId("tx-get").messageData(issuerAndSerial));
        assertThat(certificateIn(got)).isEqualTo(certificate);
        byte[] unknownSerial = new org.bouncycastle.asn1.cms.IssuerAndSerialNumber(server.core.ca().certificate().getSubject(),
                java.math.BigInteger.TEN).getEncoded();
        assertThat(send(ScepRequestBuilder.pkcsReq().messageType(dev.scepter.protocol.scep.MessageType.GET_CERT)
                .transactionId("tx-get-2").messageData(unknownSerial)).failInfo()).contains(FailInfo.BAD_CERT_ID);
    }

    private static PkiMessage send(ScepRequestBuilder builder) throws Exception {
        byte[] request = builder.signer(device, deviceSelfSigned).recipient(server.core.ca().certificate()).build();
        return PkiMessageDecoder.decode(server.post("/scep?operation=PKIOperation", "application/x-pki-message", request).body());
    }

    private static X509CertificateHolder certificateIn(PkiMessage certRep) throws Exception {
        return new CMSSignedData(certRep.decryptEnvelope(KeyTransportDecryptor.of(device.getPrivate())))
                .getCertificates().getMatches(null).iterator().next();
    }

    @Test
    void intunesPathIsServedButRefusesEveryEnrollmentUntilIntuneValidationExists() throws Exception {
        assertThat(server.get("/certsrv/mscep/mscep.dll/pkiclient.exe?operation=GetCACaps").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> response = server.post("/certsrv/mscep/mscep.dll/pkiclient.exe?operation=PKIOperation",
                "application/x-pki-message", pkcsReq(CHALLENGE));
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
        assertThat(server.text("/")).contains("Intune SCEP validation is not configured");
    }

    @Test
    void disabledEndpointsAnswer404ForEveryOperationAndIssueNothing() throws Exception {
        long before = server.core.storage().certificateStore().count();
        for (String path : java.util.List.of("/jamf", "/jamf/pkiclient.exe", "/dc", "/dc/pkiclient.exe", "/static/aad")) {
            assertThat(server.get(path + "?operation=GetCACaps").statusCode()).as(path).isEqualTo(404);
            assertThat(server.get(path + "?operation=GetCACert").statusCode()).as(path).isEqualTo(404);
            assertThat(server.post(path + "?operation=PKIOperation", "application/x-pki-message", pkcsReq(CHALLENGE)).statusCode())
                    .as(path).isEqualTo(404);
        }
        assertThat(server.core.storage().certificateStore().count()).isEqualTo(before);
    }

    @Test
    void theHomepageShowsTheCaAndWhatIsLeftToConfigureButNoSecret() throws Exception {
        HttpResponse<byte[]> response = server.get("/");
        String page = new String(response.body(), StandardCharsets.UTF_8);
        String thumbprint = HexFormat.of().withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-1").digest(server.core.ca().certificate().getEncoded()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(page).contains("CN=Scepter-Root-CA-V1,O=Scepter", thumbprint, "http://scepter.test/scep", "ENABLED",
                "AppConfig:LicenseKey", "a SCEPman setting that this version of Scepter does not use");
        assertThat(page).doesNotContain(CHALLENGE)
                .doesNotContain(Files.readString(server.dataDir.resolve("admin-token")).strip())
                .doesNotContain(Files.readString(server.dataDir.resolve("ca.p12.password")).strip());
    }

    @Test
    void theProbeIsHealthyWhileTheStoreAnswers() throws Exception {
        HttpResponse<byte[]> response = server.get("/probe");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("CA: VALID", "Storage: CONNECTED");
    }

    @Test
    void theCaDownloadIsDer() throws Exception {
        HttpResponse<byte[]> response = server.get("/ca");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/pkix-cert");
        assertThat(new X509CertificateHolder(response.body())).isEqualTo(server.core.ca().certificate());
    }

    @Test
    void metricsCountScepRequestsByEndpointOperationAndOutcomeWithLatencyBuckets() throws Exception {
        server.post("/scep?operation=PKIOperation", "application/x-pki-message", pkcsReq("guess"));
        server.get("/scep?operation=GetCACaps");

        String metrics = server.text("/metrics");

        assertThat(metrics).contains("scep_requests_seconds_bucket{");
        assertThat(metrics).containsPattern("scep_requests_seconds_count\\{endpoint=\"static\",operation=\"PKIOperation\",outcome=\"failure-bad_request\"} [1-9]");
        assertThat(metrics).containsPattern("scep_requests_seconds_count\\{endpoint=\"static\",operation=\"GetCACaps\",outcome=\"ok\"} [1-9]");
    }

    @Test
    void everyMetricSaysWhatItMeasuresInItsHelpText() throws Exception {
        server.get("/scep?operation=GetCACaps");
        server.post("/ocsp", "application/ocsp-request", "not OCSP".getBytes());

        String metrics = server.text("/metrics");

        java.util.List<String> families = metrics.lines().filter(line -> line.startsWith("# TYPE ")).map(line -> line.split(" ")[2]).toList();
        assertThat(families).contains("scep_requests_seconds", "ocsp_requests_seconds");
        for (String family : families) {
            assertThat(metrics).as("HELP of " + family).containsPattern("(?m)^# HELP " + family + " \\S.{10,}$");
        }
    }

    @Test
    void notAScepMessageIsA400WithoutAStackTrace() throws Exception {
        HttpResponse<byte[]> garbage = server.post("/scep?operation=PKIOperation", "application/x-pki-message", "hello".getBytes());
        HttpResponse<byte[]> json = server.post("/scep?operation=PKIOperation", "application/json", "{}".getBytes());
        HttpResponse<byte[]> unknown = server.get("/scep?operation=Explode");
        HttpResponse<byte[]> missing = server.get("/scep");
        HttpResponse<byte[]> notBase64 = server.get("/scep?operation=PKIOperation&message=@@@@");

        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(notBase64.statusCode()).isEqualTo(400);
        for (HttpResponse<byte[]> response : java.util.List.of(garbage, json, unknown, missing, notBase64)) {
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
