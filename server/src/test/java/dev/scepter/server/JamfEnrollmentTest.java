package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.azure.sim.JamfSimulator;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
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

/**
 * {@code /jamf} with Jamf Pro's API (simulated): a Mac enrolls with SCEPman's profile
 * ({@code CN=$JSSID,OU=computers}) and its certificate follows the computer in Jamf Pro.
 */
class JamfEnrollmentTest {

    private static final SimTls TLS = SimTls.generate();
    private static JamfSimulator jamf;
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        jamf = JamfSimulator.start(TLS, Instant::now);
        jamf.addApiClient("scepter", "jamf-client-secret", Duration.ofMinutes(5), JamfSimulator.ALL_READ);
        // The server trusts the JVM's default context, as it trusts Jamf Pro's public certificate in production.
        SSLContext before = SSLContext.getDefault();
        SSLContext.setDefault(TLS.clientContext());
        try {
            server = RunningServer.start(Map.of(
                    "AppConfig:JamfValidation:Enabled", "true",
                    "AppConfig:JamfValidation:RequestPassword", TestPki.CHALLENGE,
                    "AppConfig:JamfValidation:URL", jamf.uri().toString(),
                    "AppConfig:JamfValidation:ClientID", "scepter",
                    "AppConfig:JamfValidation:ClientSecret", "jamf-client-secret",
                    "AppConfig:Directory:CacheSeconds", "0",
                    "AppConfig:OCSP:ResponseCacheSeconds", "0"));
        } finally {
            SSLContext.setDefault(before);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        jamf.close();
    }

    @Test
    void aMacsCertificateIsBoundToItsComputerAndRevokedForGoodWhenItIsDeleted() throws Exception {
        JamfSimulator.Computer mac = jamf.addComputer("5CF418CE-3E46-481C-A171-7ACC9E1E2E7A", "Mac");
        KeyPair keys = TestPki.rsa();
        PkiMessage certRep = enroll(keys, "CN=" + mac.id() + ",OU=computers,CN=B1A2C3D4-0000-4000-8000-000000000001");
        assertThat(certRep.pkiStatus()).contains(PkiStatus.SUCCESS);
        BigInteger serial = certificate(certRep, keys).getSerialNumber();
        assertThat(serial.shiftRight(152).intValue()).as("SCEPman's Jamf Computer type byte").isEqualTo(0x54);

        assertThat(ocsp(serial).getCertStatus()).isEqualTo(CertificateStatus.GOOD);
        jamf.deleteComputer(mac.id());
        CertificateStatus status = ocsp(serial).getCertStatus();
        assertThat(status).isInstanceOf(RevokedStatus.class);
        assertThat(((RevokedStatus) status).hasRevocationReason() ? ((RevokedStatus) status).getRevocationReason() : -1)
                .as("revoked for good, not on hold").isNotEqualTo(6);
    }

    @Test
    void jamfDownIsTryLaterNeverRevokedAndRefusesEnrollment() throws Exception {
        JamfSimulator.Computer mac = jamf.addComputer("904418F7-3695-44BF-9A00-74F5CF617377", "Mac");
        KeyPair keys = TestPki.rsa();
        BigInteger serial = certificate(enroll(keys, "CN=" + mac.id() + ",OU=computers"), keys).getSerialNumber();
        jamf.server().down(true);
        try {
            assertThat(ocspStatus(serial)).isEqualTo(OCSPResp.TRY_LATER);
            PkiMessage refused = enroll(TestPki.rsa(), "CN=" + mac.id() + ",OU=computers");
            assertThat(refused.pkiStatus()).contains(PkiStatus.FAILURE);
        } finally {
            jamf.server().down(false);
        }
        Thread.sleep(1100); // the directory cache fails fast for a second after an outage
        assertThat(ocsp(serial).getCertStatus()).isEqualTo(CertificateStatus.GOOD);
    }

    @Test
    void aRequestNamingAnObjectJamfDoesNotKnowIsRefused() throws Exception {
        try (LogCapture log = LogCapture.attach()) {
            PkiMessage refused = enroll(TestPki.rsa(), "CN=987654,OU=computers");
            assertThat(refused.pkiStatus()).contains(PkiStatus.FAILURE);
            assertThat(log.describe()).contains("Jamf Pro has no computer 987654").doesNotContain("jamf-client-secret");
            assertThat(log.requestLines()).as(log.describe()).isEqualTo(1);
        }
    }

    private static PkiMessage enroll(KeyPair device, String subject) throws Exception {
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), device.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(TestPki.CHALLENGE))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate())).getEncoded();
        byte[] request = ScepRequestBuilder.pkcsReq().signer(device, TestPki.selfSigned(subject, device, false))
                .recipient(server.core.ca().certificate()).messageData(csr).build();
        HttpResponse<byte[]> response = server.post("/jamf/pkiclient.exe?operation=PKIOperation", "application/x-pki-message", request);
        assertThat(response.statusCode()).isEqualTo(200);
        return PkiMessageDecoder.decode(response.body());
    }

    private static X509CertificateHolder certificate(PkiMessage certRep, KeyPair device) throws Exception {
        assertThat(certRep.pkiStatus()).contains(PkiStatus.SUCCESS);
        byte[] certsOnly = certRep.decryptEnvelope(KeyTransportDecryptor.of(device.getPrivate()));
        return new CMSSignedData(certsOnly).getCertificates().getMatches(null).iterator().next();
    }

    private static OCSPResp ocspResponse(BigInteger serial) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), serial);
        HttpResponse<byte[]> response = server.post("/ocsp", "application/ocsp-request", new OCSPReqBuilder().addRequest(id).build().getEncoded());
        assertThat(response.statusCode()).isEqualTo(200);
        return new OCSPResp(response.body());
    }

    private static int ocspStatus(BigInteger serial) throws Exception {
        return ocspResponse(serial).getStatus();
    }

    private static org.bouncycastle.cert.ocsp.SingleResp ocsp(BigInteger serial) throws Exception {
        OCSPResp response = ocspResponse(serial);
        assertThat(response.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        return ((BasicOCSPResp) response.getResponseObject()).getResponses()[0];
    }
}
