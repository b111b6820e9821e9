package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An EC root CA (KeyType EC) serves SCEP through the RSA RA certificate the installation made
 * beside it: GetCACert hands out both, and both real clients enroll by encrypting to the RA.
 */
class EcCaInteropTest {

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__KeyVaultConfig__RootCertificateConfig__KeyType", "EC",
            ScepterProcess.ROOT_KEY_SIZE, "256"));

    /** GetCACert's certificates, read with openssl's view of a PKCS#7 certs-only answer. */
    private static List<X509CertificateHolder> getCaCert() throws Exception {
        HttpResponse<byte[]> response = server.get("scep?operation=GetCACert");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/x-x509-ca-ra-cert");
        return new ArrayList<>(new CMSSignedData(response.body()).getCertificates().getMatches(null));
    }

    private static X509CertificateHolder ra() throws Exception {
        X509CertificateHolder ca = new X509CertificateHolder(server.caCertificate().getEncoded());
        return getCaCert().stream().filter(c -> !c.equals(ca)).findFirst().orElseThrow();
    }

    @Test
    void theCaIsEcAndGetCaCertAlsoHandsOutAnRsaRaItIssued(@TempDir Path dir) throws Exception {
        assertThat(server.caCertificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(getCaCert()).hasSize(2);
        Path raPem = pem(dir, "ra.pem", ra());
        Command.Result verify = Openssl.verify(dir, server.caCertificatePem(dir), raPem);
        assertThat(verify.stdout()).as("%s", verify).contains(": OK");
        Command.Result text = Command.run(dir, "openssl", "x509", "-in", raPem.toString(), "-noout", "-text");
        assertThat(text.stdout()).contains("rsaEncryption", "Key Encipherment");
    }

    @Test
    void scepclientEnrollsByEncryptingToTheRaItIsPointedAt(@TempDir Path dir) throws Exception {
        // micromdm's scepclient encrypts to every certificate GetCACert returns unless told which
        // one by its SHA-256, and an EC key cannot take a key-transport key.
        String raFingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ra().getEncoded()));
        Command.Result enrolled = Command.run(dir, "scepclient", "-debug", "-server-url", server.url("scep").toString(),
                "-challenge", server.staticChallenge(), "-private-key", dir.resolve("key.pem").toString(),
                "-certificate", Scepclient.certificate(dir).toString(), "-cn", "ec-scepclient", "-ca-fingerprint", raFingerprint);
        IssuedCertificates.assertIssuedAndRecorded(server, dir, Scepclient.certificate(dir), "ec-scepclient", enrolled);
        assertThat(Command.run(dir, "openssl", "x509", "-in", Scepclient.certificate(dir).toString(), "-noout", "-text").stdout())
                .contains("ecdsa-with-SHA256");
    }

    @Test
    void strongswanEnrollsWithTheRaForEncryptionAndSignature(@TempDir Path dir) throws Exception {
        Path raDer = Files.write(dir.resolve("ra.der"), ra().getEncoded());
        Path caDer = server.caCertificateDer(dir);
        Path key = StrongswanPki.generateKey(dir);
        Command.Result enrolled = Command.run(dir, "pki", "--scep", "--url", server.url("scep").toString(), "--in", key.toString(),
                "--dn", "CN=ec-pki", "--password", server.staticChallenge(), "--cacert", caDer.toString(),
                "--cacert-enc", raDer.toString(), "--cacert-sig", raDer.toString(), "--cipher", "aes", "--maxpolltime", "1",
                "--outform", "pem");
        Files.writeString(StrongswanPki.certificate(dir), enrolled.stdout());
        IssuedCertificates.assertIssuedAndRecorded(server, dir, StrongswanPki.certificate(dir), "ec-pki", enrolled);
    }

    private static Path pem(Path dir, String name, X509CertificateHolder certificate) throws Exception {
        String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded());
        return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
    }

    @Test
    void aNodeWhoseRaAnotherCaIssuedRefusesToStartAndSaysWhatToCopy(@TempDir Path dir) throws Exception {
        Map<String, String> ec = Map.of("AppConfig__KeyVaultConfig__RootCertificateConfig__KeyType", "EC", ScepterProcess.ROOT_KEY_SIZE, "256");
        // Another installation, made as an admin makes one (complete-installation, no server needed): its own CA and RA.
        Path other = dir.resolve("other");
        Path settings = Files.writeString(dir.resolve("other-settings.json"),
                "{\"AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType\": \"EC\",\n"
                        + " \"AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize\": \"256\"}");
        Command.Result installed = Command.runWithoutAppConfig(dir, ScepterProcess.javaExecutable(), "-jar", ScepterProcess.launcherJar().toString(),
                "complete-installation", "--data-dir", other.toString(), "--settings", settings.toString());
        assertThat(installed.exitCode()).as(installed.toString()).isZero();
        // Only a CA whose key is not RSA gets an RA of its own: the EC settings were used.
        assertThat(installed.stdout()).as(installed.toString()).contains("Create the SCEP RA certificate");
        Path node = Files.createDirectories(dir.resolve("node"));
        for (String file : List.of("ca.p12", "ca.p12.password")) {
            Files.copy(server.dataDir().resolve(file), node.resolve(file));
        }
        // The RA of another installation: clients would encrypt to a certificate this CA never issued.
        for (String file : List.of("ra.p12", "ra.p12.password")) {
            Files.copy(other.resolve(file), node.resolve(file));
        }

        ScepterProcess.Refusal refusal = ScepterProcess.startExpectingRefusal(ec, node);

        assertThat(refusal.exitCode()).isNotZero();
        assertThat(refusal.log()).contains("is not a valid certificate of this CA", "copy ra.p12 and ra.p12.password");
    }
}
