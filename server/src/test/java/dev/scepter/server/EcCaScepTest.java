package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.FailInfo;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An EC CA serves SCEP through the RSA RA certificate the installation made beside it. */
class EcCaScepTest {

    private static final String CHALLENGE = "ec-static-challenge";
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "EC",
                "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "384",
                "AppConfig:StaticValidation:RequestPassword", CHALLENGE));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<X509CertificateHolder> getCaCert() throws Exception {
        HttpResponse<byte[]> response = server.get("/scep?operation=GetCACert");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/x-x509-ca-ra-cert");
        CMSSignedData certsOnly = new CMSSignedData(response.body());
        assertThat(certsOnly.getSignerInfos().size()).as("certificates-only: no signer").isZero();
        return new ArrayList<>(certsOnly.getCertificates().getMatches(null));
    }

    @Test
    void getCaCertHandsOutTheRsaRaCertificateIssuedByTheEcCaAndTheCaItself() throws Exception {
        X509CertificateHolder ca = server.core.ca().certificate();
        List<X509CertificateHolder> certificates = getCaCert();
        assertThat(certificates).hasSize(2).contains(ca);
        X509CertificateHolder ra = certificates.stream().filter(c -> !c.equals(ca)).findFirst().orElseThrow();
        assertThat(ra.getIssuer()).isEqualTo(ca.getSubject());
        assertThat(ra.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca))).isTrue();
        assertThat(ra.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.rsaEncryption);
        assertThat(ca.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.2.1");
    }

    @Test
    void aRequestEncryptedForTheRaIsAnsweredByTheRaWithACertificateTheEcCaSigned() throws Exception {
        X509CertificateHolder ca = server.core.ca().certificate();
        X509CertificateHolder ra = getCaCert().stream().filter(c -> !c.equals(ca)).findFirst().orElseThrow();
        KeyPair device = TestPki.rsa();
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=ec-device"), device.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(CHALLENGE))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate())).getEncoded();
        byte[] request = ScepRequestBuilder.pkcsReq().signer(device, TestPki.selfSigned("CN=ec-device", device, false))
                .recipient(ra).messageData(csr).transactionId("tx-ec").build();

        PkiMessage certRep = PkiMessageDecoder.decode(server.post("/scep?operation=PKIOperation", "application/x-pki-message", request).body());
        assertThat(certRep.pkiStatus()).as("failInfo %s", certRep.failInfo()).contains(PkiStatus.SUCCESS);
        assertThat(certRep.signerCertificate()).as("the RA signs the CertRep").isEqualTo(ra);
        assertThat(certRep.signatureValid()).isTrue();
        X509CertificateHolder issued = new CMSSignedData(certRep.decryptEnvelope(KeyTransportDecryptor.of(device.getPrivate())))
                .getCertificates().getMatches(null).iterator().next();
        assertThat(issued.getIssuer()).isEqualTo(ca.getSubject());
        assertThat(issued.getSignatureAlgorithm().getAlgorithm().getId()).as("ecdsa-with-SHA256").isEqualTo("1.2.840.10045.4.3.2");
        assertThat(issued.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca))).isTrue();
    }

    @Test
    void aRequestEncryptedForSomeoneElseIsABadMessageCheckNotA500() throws Exception {
        KeyPair device = TestPki.rsa();
        byte[] request = ScepRequestBuilder.pkcsReq().signer(device, TestPki.selfSigned("CN=lost", device, false))
                .recipient(TestPki.CA_CERT).messageData(TestPki.CSR.getEncoded()).transactionId("tx-lost").build();
        HttpResponse<byte[]> response = server.post("/scep?operation=PKIOperation", "application/x-pki-message", request);
        assertThat(response.statusCode()).isEqualTo(200);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.failInfo()).contains(FailInfo.BAD_MESSAGE_CHECK);
    }
}
