package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code AppConfig:SCEPResponseEncryptionAlgorithm} picks the cipher of the CertRep's envelope
 * (AES-256 by default); both real clients decrypt each of them. One server per cipher.
 */
@ExtendWith(PrintServerLogOnFailure.class)
class ResponseEncryptionTest {

    enum ResponseCipher {
        /** The default: no setting. */
        AES_256(null, ScepMessages.AES_256_CBC),
        AES_128("2.16.840.1.101.3.4.1.2", ScepMessages.AES_128_CBC),
        DES_EDE3("1.2.840.113549.3.7", ScepMessages.DES_EDE3_CBC);

        final String setting;
        final ASN1ObjectIdentifier expected;

        ResponseCipher(String setting, ASN1ObjectIdentifier expected) {
            this.setting = setting;
            this.expected = expected;
        }

        Map<String, String> settings() {
            return setting == null ? Map.of() : Map.of(ScepterProcess.RESPONSE_ENCRYPTION, setting);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ResponseCipher.class)
    void theConfiguredCipherEnvelopesResponsesThatScepclientAndPkiDecrypt(ResponseCipher cipher, @TempDir Path dir) throws Exception {
        try (ScepterProcess server = ScepterProcess.start(cipher.settings())) {
            X509Certificate ca = server.caCertificate();
            ScepMessages.Requester requester = ScepMessages.Requester.create("cipher-probe");
            ScepMessages.PkcsReq probe = ScepMessages.pkcsReq(requester, ca, "cipher-probe", server.staticChallenge());
            HttpResponse<byte[]> response = server.send(HttpRequest.newBuilder(server.url("scep?operation=PKIOperation"))
                    .header("Content-Type", "application/x-pki-message")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(probe.der()))
                    .build());
            assertThat(response.statusCode()).isEqualTo(200);
            ScepMessages.CertRep certRep = ScepMessages.readCertRep(response.body(), ca, requester);
            assertThat(certRep.pkiStatus()).as("pkiStatus (failInfo %s)", certRep.failInfo()).isEqualTo(ScepMessages.SUCCESS);
            assertThat(certRep.contentEncryption()).as("the CertRep envelope's content encryption").isEqualTo(cipher.expected);

            Path scepclientDir = Files.createDirectory(dir.resolve("scepclient"));
            String scepclientName = "scepclient-" + cipher.name().toLowerCase();
            Command.Result scepclient = Scepclient.enroll(scepclientDir, server.url("scep"), server.staticChallenge(), scepclientName);
            IssuedCertificates.assertIssuedAndRecorded(server, scepclientDir, Scepclient.certificate(scepclientDir), scepclientName, scepclient);

            Path pkiDir = Files.createDirectory(dir.resolve("pki"));
            String pkiName = "pki-" + cipher.name().toLowerCase();
            Command.Result pki = StrongswanPki.scep(pkiDir, server.url("scep"), StrongswanPki.generateKey(pkiDir),
                    server.caCertificateDer(pkiDir), "CN=" + pkiName, server.staticChallenge(), "des3");
            IssuedCertificates.assertIssuedAndRecorded(server, pkiDir, StrongswanPki.certificate(pkiDir), pkiName, pki);
        }
    }

    @Test
    void anUnknownCipherStopsStartUpNamingTheSetting() {
        ScepterProcess.Refusal refusal = ScepterProcess.startExpectingRefusal(Map.of(ScepterProcess.RESPONSE_ENCRYPTION, "1.2.3.4"));

        assertThat(refusal.exitCode()).as(refusal.log()).isNotZero();
        assertThat(refusal.log()).containsIgnoringCase("SCEPResponseEncryptionAlgorithm");
    }
}
