package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.protocol.scep.KeyTransportDecryptor;
import dev.scepter.protocol.scep.PkiMessage;
import dev.scepter.protocol.scep.PkiMessageDecoder;
import dev.scepter.protocol.scep.PkiStatus;
import dev.scepter.protocol.scep.ScepRequestBuilder;
import dev.scepter.protocol.scep.TestPki;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/** A directory that cannot answer is never taken for "not found": OCSP says tryLater, the probe 503. */
class DirectoryOutageTest {

    @Test
    void anUnreachableLdapDirectoryMakesOcspAnswerTryLaterForBoundCertificatesOnly() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (RunningServer server = RunningServer.start(Map.of(
                "AppConfig:Directory:Type", "Ldap",
                "AppConfig:LDAP:Urls", "ldap://127.0.0.1:" + closedPort,
                "AppConfig:LDAP:BaseDn", "dc=example,dc=com",
                "AppConfig:LDAP:ConnectTimeoutSeconds", "1",
                "AppConfig:StaticAADValidation:Enabled", "true",
                "AppConfig:StaticAADValidation:RequestPassword", TestPki.CHALLENGE,
                "AppConfig:StaticValidation:RequestPassword", TestPki.CHALLENGE))) {
            X509CertificateHolder bound = enroll(server, "/static/aad", "CN=" + UUID.randomUUID());
            X509CertificateHolder unbound = enroll(server, "/scep", "CN=printer");
            assertThat(bound.getSerialNumber().shiftRight(152).intValue()).isEqualTo(0x40);

            assertThat(ocspStatus(server, bound.getSerialNumber())).as("bound: the directory must answer").isEqualTo(OCSPResp.TRY_LATER);
            assertThat(ocspStatus(server, unbound.getSerialNumber())).as("unbound: no directory needed").isEqualTo(OCSPResp.SUCCESSFUL);
            assertThat(server.get("/probe").statusCode()).isEqualTo(503);
            // The cause, so the admin knows what to fix: nothing listens on the port.
            assertThat(server.text("/")).contains("Directory", "NOT CONNECTED", "127.0.0.1:" + closedPort, "connect error");
        }
    }

    private static X509CertificateHolder enroll(RunningServer server, String path, String subject) throws Exception {
        KeyPair device = TestPki.rsa();
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), device.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(TestPki.CHALLENGE))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(device.getPrivate())).getEncoded();
        byte[] request = ScepRequestBuilder.pkcsReq().signer(device, TestPki.selfSigned(subject, device, false))
                .recipient(server.core.ca().certificate()).messageData(csr).build();
        HttpResponse<byte[]> response = server.post(path + "?operation=PKIOperation", "application/x-pki-message", request);
        PkiMessage certRep = PkiMessageDecoder.decode(response.body());
        assertThat(certRep.pkiStatus()).contains(PkiStatus.SUCCESS);
        byte[] certsOnly = certRep.decryptEnvelope(KeyTransportDecryptor.of(device.getPrivate()));
        return new CMSSignedData(certsOnly).getCertificates().getMatches(null).iterator().next();
    }

    private static int ocspStatus(RunningServer server, BigInteger serial) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                server.core.ca().certificate(), serial);
        byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        HttpResponse<byte[]> response = server.post("/ocsp", "application/ocsp-request", request);
        assertThat(response.statusCode()).isEqualTo(200);
        return new OCSPResp(response.body()).getStatus();
    }
}
