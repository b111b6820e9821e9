package dev.scepter.azure.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The certificate commands of docs/microsoft-cloud.md, run as written, make files that sign in. */
class OpensslCertificateTest extends SimulatedCloud {

    private void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    }

    private static boolean opensslInstalled() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void thePemAndThePkcs12FileOfTheDocsSignIn() throws Exception {
        assumeTrue(opensslInstalled(), "openssl is not installed");
        run("openssl", "req", "-x509", "-newkey", "rsa:3072", "-sha256", "-days", "730", "-noenc", "-subj", "/CN=Scepter sign-in",
                "-keyout", "signin.key", "-out", "signin.crt");
        run("sh", "-c", "cat signin.crt signin.key > signin.pem");
        run("openssl", "pkcs12", "-export", "-in", "signin.crt", "-inkey", "signin.key", "-name", "scepter-signin",
                "-passout", "pass:change-this", "-out", "signin.p12");
        // What is uploaded to the app registration: signin.crt.
        X509Certificate uploaded = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("signin.crt"))));
        entra.addCertificate(TENANT, APP, uploaded);

        for (List<String> file : List.of(List.of("AppConfig:AuthConfig:SignInCertificateFile", dir.resolve("signin.pem").toString()),
                List.of("AppConfig:AuthConfig:SignInCertificateFile", dir.resolve("signin.p12").toString(),
                        "AppConfig:AuthConfig:SignInCertificatePassword", "change-this"))) {
            String[] pairs = new String[2 + file.size()];
            pairs[0] = "AppConfig:AuthConfig:SignInApplicationId";
            pairs[1] = APP;
            for (int i = 0; i < file.size(); i++) {
                pairs[2 + i] = file.get(i);
            }
            AccessTokens signIn = open(settings(pairs));
            assertThat(call(GRAPH, signIn.token(GRAPH))).as(file.get(1)).isEmpty();
        }
        Path pem = dir.resolve("signin.pem");
        assertThat(Files.readString(pem)).contains("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----");
    }
}
