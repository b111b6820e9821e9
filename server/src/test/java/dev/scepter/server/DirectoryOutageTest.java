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

    /**
     * docs/est.md: self-service for a device asks the directory who owns it; while it cannot answer
     * the caller hears 503 with Retry-After (try later), neither a certificate nor a 403.
     */
    @Test
    void selfServiceForADeviceIsTryLaterWhileTheDirectoryCannotAnswer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (RunningServer server = RunningServer.start(Map.of(
                "AppConfig:Directory:Type", "Ldap",
                "AppConfig:LDAP:Urls", "ldap://127.0.0.1:" + closedPort,
                "AppConfig:LDAP:BaseDn", "dc=example,dc=com",
                "AppConfig:LDAP:ConnectTimeoutSeconds", "1"))) {
            String token = new dev.scepter.authority.token.ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(),
                    java.time.Clock.systemUTC(), new java.security.SecureRandom()).create("test", "alice@contoso.example",
                    java.util.Set.of(dev.scepter.authority.token.ApiRole.CSR_SELF_SERVICE), java.util.Optional.empty()).value();
            KeyPair keys = TestPki.rsa();
            byte[] csr = java.util.Base64.getMimeEncoder().encode(new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=" + UUID.randomUUID()), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded());

            HttpResponse<byte[]> response = server.post("/.well-known/est/simpleenroll", "application/pkcs10", csr,
                    "Authorization", "Bearer " + token);

            assertThat(response.statusCode()).as(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(server.core.storage().auditLog().latest(100)).as("nothing issued")
                    .noneMatch(event -> event.action().startsWith("certificate.issue"));
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
