package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.MessageType;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.security.KeyPair;
import java.util.Map;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Renewal authenticated by the certificate being renewed (RFC 8894 section 3.3.1.2), no challenge. */
class RenewalTest {

    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of("AppConfig:StaticValidation:RequestPassword", TestPki.CHALLENGE,
                "AppConfig:StaticValidation:AllowRenewals", "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Enrolled(KeyPair keys, X509CertificateHolder certificate) {
    }

    private static byte[] csr(KeyPair keys, String subject, String challenge) throws Exception {
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        if (challenge != null) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge));
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
    }

    /** Sends a request signed by {@code signer} for a new key, and reads the CertRep as the signer. */
    private static PkiMessage send(MessageType type, KeyPair signerKeys, X509CertificateHolder signer, byte[] csr) throws Exception {
        byte[] request = ScepRequestBuilder.pkcsReq().messageType(type).signer(signerKeys, signer)
                .recipient(server.core.ca().certificate()).messageData(csr).transactionId("tx-" + System.nanoTime()).build();
        return PkiMessageDecoder.decode(server.post("/scep?operation=PKIOperation", "application/x-pki-message", request).body());
    }

    private static X509CertificateHolder issued(PkiMessage certRep, KeyPair signerKeys) throws Exception {
        assertThat(certRep.pkiStatus()).contains(PkiStatus.SUCCESS);
        byte[] certsOnly = certRep.decryptEnvelope(KeyTransportDecryptor.of(signerKeys.getPrivate()));
        return new CMSSignedData(certsOnly).getCertificates().getMatches(null).iterator().next();
    }

    private static Enrolled enroll(String subject) throws Exception {
        KeyPair keys = TestPki.rsa();
        PkiMessage certRep = send(MessageType.PKCS_REQ, keys, TestPki.selfSigned(subject, keys, false), csr(keys, subject, TestPki.CHALLENGE));
        return new Enrolled(keys, issued(certRep, keys));
    }

    @Test
    void getCaCapsAdvertisesRenewalWhereAllowRenewalsIsOn() throws Exception {
        assertThat(new String(server.get("/scep?operation=GetCACaps").body(), java.nio.charset.StandardCharsets.US_ASCII).split("\n"))
                .contains("Renewal");
    }

    @Test
    void aRenewalReqSignedByOurCertificateGetsANewCertificateForTheNewKeyWithoutAChallenge() throws Exception {
        Enrolled old = enroll("CN=renew-me");
        KeyPair next = TestPki.rsa();

        X509CertificateHolder renewed = issued(send(MessageType.RENEWAL_REQ, old.keys(), old.certificate(), csr(next, "CN=renew-me", null)),
                old.keys());

        assertThat(renewed.getSerialNumber()).isNotEqualTo(old.certificate().getSerialNumber());
        assertThat(renewed.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(next.getPublic().getEncoded()).getEncoded());
        assertThat(renewed.getSerialNumber().shiftRight(152).intValue()).isEqualTo(0x50);
        String oldSerial = old.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        String newSerial = renewed.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        assertThat(server.core.storage().auditLog().latest(1000)).as("docs/api.md: a renewal is audited as certificate.renew")
                .filteredOn(event -> event.target().startsWith(newSerial + " "))
                .singleElement().satisfies(event -> {
                    assertThat(event.action()).isEqualTo("certificate.renew");
                    assertThat(event.target()).isEqualTo(newSerial + " subject \"CN=renew-me\" renewing " + oldSerial);
                    assertThat(event.actor()).startsWith("endpoint static (");
                });
    }

    @Test
    void aPkcsReqSignedByOurCertificateIsARenewalAsMacOsSendsIt() throws Exception {
        Enrolled old = enroll("CN=mac");
        KeyPair next = TestPki.rsa();
        assertThat(issued(send(MessageType.PKCS_REQ, old.keys(), old.certificate(), csr(next, "CN=mac", null)), old.keys())).isNotNull();
    }

    /**
     * A certificate vouches for its own names only: a renewal it signs asking for another subject,
     * an added SAN (RFC 7030 section 4.2.2's rule, the authority's for every protocol) gets nothing.
     */
    @Test
    void aRenewalForOtherNamesThanTheCertificatesIsRefusedAndOneKeepingThemSucceeds() throws Exception {
        Enrolled old = enroll("CN=renew-my-names");
        long before = server.core.storage().certificateStore().count();
        org.bouncycastle.asn1.x509.ExtensionsGenerator sans = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
        sans.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
                new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, "admin.corp.example")));
        KeyPair next = TestPki.rsa();
        byte[] withSan = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=renew-my-names"), next.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, sans.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(next.getPrivate())).getEncoded();

        for (MessageType type : java.util.List.of(MessageType.RENEWAL_REQ, MessageType.PKCS_REQ)) {
            PkiMessage otherSubject = send(type, old.keys(), old.certificate(), csr(next, "CN=someone-else", null));
            assertThat(otherSubject.pkiStatus()).as(type + ", another subject").contains(PkiStatus.FAILURE);
            assertThat(otherSubject.failInfo()).contains(FailInfo.BAD_REQUEST);
            PkiMessage addedSan = send(type, old.keys(), old.certificate(), withSan);
            assertThat(addedSan.pkiStatus()).as(type + ", a SAN added").contains(PkiStatus.FAILURE);
            assertThat(addedSan.failInfo()).contains(FailInfo.BAD_REQUEST);
        }
        assertThat(server.core.storage().certificateStore().count()).as("nothing issued").isEqualTo(before);

        X509CertificateHolder renewed = issued(send(MessageType.RENEWAL_REQ, old.keys(), old.certificate(), csr(next, "CN=renew-my-names", null)),
                old.keys());
        assertThat(renewed.getSubject()).isEqualTo(old.certificate().getSubject());
    }

    /**
     * macOS signs its PKCSReq with the certificate it holds when its profile's names changed: with
     * the profile's challenge that is a new enrollment, judged by the challenge (not refused as a
     * renewal for its names); a RenewalReq asking for other names stays refused.
     */
    @Test
    void aMacOsPkcsReqSignedByTheOldCertificateWithOtherNamesAndTheChallengeIsANewEnrollment() throws Exception {
        Enrolled old = enroll("CN=mac-before");
        KeyPair next = TestPki.rsa();

        X509CertificateHolder renamed = issued(send(MessageType.PKCS_REQ, old.keys(), old.certificate(),
                csr(next, "CN=mac-after", TestPki.CHALLENGE)), old.keys());
        PkiMessage renewalReq = send(MessageType.RENEWAL_REQ, old.keys(), old.certificate(), csr(next, "CN=mac-after-2", TestPki.CHALLENGE));
        PkiMessage wrongChallenge = send(MessageType.PKCS_REQ, old.keys(), old.certificate(), csr(next, "CN=mac-after-3", "guess"));

        assertThat(renamed.getSubject()).isEqualTo(new X500Name("CN=mac-after"));
        assertThat(server.core.storage().auditLog().latest(20)).filteredOn(event -> event.target().contains("CN=mac-after\""))
                .extracting(dev.scepter.authority.audit.AuditEvent::action).containsExactly("certificate.issue");
        assertThat(renewalReq.pkiStatus()).as("a RenewalReq").contains(PkiStatus.FAILURE);
        assertThat(renewalReq.failInfo()).contains(FailInfo.BAD_REQUEST);
        assertThat(wrongChallenge.pkiStatus()).as("the challenge decides").contains(PkiStatus.FAILURE);
    }

    @Test
    void aRevokedCertificateRenewsNothing() throws Exception {
        Enrolled old = enroll("CN=revoked");
        String admin = java.nio.file.Files.readString(server.dataDir.resolve("admin-token")).strip();
        var patch = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                server.url("/api/manage/revoke/" + old.certificate().getSerialNumber().toString(16)))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"revocationReason\": 1}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(patch.statusCode()).isEqualTo(200);

        PkiMessage certRep = send(MessageType.RENEWAL_REQ, old.keys(), old.certificate(), csr(TestPki.rsa(), "CN=revoked", null));
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
    }

    @Test
    void aCertificateFromAnotherCaWithOurNameRenewsNothing() throws Exception {
        KeyPair forgerKeys = TestPki.rsa();
        KeyPair keys = TestPki.rsa();
        X509CertificateHolder forged = TestPki.issue(new X509CertificateHolder(
                TestPki.selfSigned(server.core.ca().certificate().getSubject().toString(), forgerKeys, true).getEncoded()),
                forgerKeys.getPrivate(), "CN=forged", keys, java.math.BigInteger.valueOf(77));

        PkiMessage certRep = send(MessageType.RENEWAL_REQ, keys, forged, csr(TestPki.rsa(), "CN=forged", null));
        assertThat(certRep.pkiStatus()).contains(PkiStatus.FAILURE);
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_REQUEST);
    }

    @Test
    void withoutAllowRenewalsARenewalIsRefused() throws Exception {
        try (RunningServer plain = RunningServer.start(Map.of("AppConfig:StaticValidation:RequestPassword", TestPki.CHALLENGE))) {
            KeyPair keys = TestPki.rsa();
            byte[] request = ScepRequestBuilder.pkcsReq().signer(keys, TestPki.selfSigned("CN=x", keys, false))
                    .recipient(plain.core.ca().certificate()).messageData(csr(keys, "CN=x", TestPki.CHALLENGE)).build();
            PkiMessage certRep = PkiMessageDecoder.decode(plain.post("/scep?operation=PKIOperation", "application/x-pki-message", request).body());
            byte[] certsOnly = certRep.decryptEnvelope(KeyTransportDecryptor.of(keys.getPrivate()));
            X509CertificateHolder old = new CMSSignedData(certsOnly).getCertificates().getMatches(null).iterator().next();

            byte[] renewal = ScepRequestBuilder.pkcsReq().messageType(MessageType.RENEWAL_REQ).signer(keys, old)
                    .recipient(plain.core.ca().certificate()).messageData(csr(TestPki.rsa(), "CN=x", null)).transactionId("tx-renew").build();
            PkiMessage refused = PkiMessageDecoder.decode(plain.post("/scep?operation=PKIOperation", "application/x-pki-message", renewal).body());
            assertThat(refused.pkiStatus()).contains(PkiStatus.FAILURE);
        }
    }
}
