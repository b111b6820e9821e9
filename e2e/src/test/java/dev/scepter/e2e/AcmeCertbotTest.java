package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME (RFC 8555) with Debian's certbot against the built launcher: certbot registers, answers
 * HTTP-01 with its own standalone server on a loopback port ({@code AppConfig:Acme:Http01Port}),
 * gets a certificate for {@code www.localhost} with the chain, renews it, and revokes it; the
 * certificate is recorded, {@code openssl ocsp} says good, then revoked. A name the profile does
 * not allow is refused as {@code rejectedIdentifier} and nothing is issued.
 */
class AcmeCertbotTest {

    private static final int HTTP01_PORT = freePort();

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__Acme__Enabled", "true",
            "AppConfig__Acme__DnsSuffixes", "localhost",
            "AppConfig__Acme__Http01Port", String.valueOf(HTTP01_PORT)));

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Command.Result certbot(Path dir, String... arguments) {
        List<String> command = new ArrayList<>(List.of("certbot"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("--config-dir", dir.resolve("config").toString(), "--work-dir", dir.resolve("work").toString(),
                "--logs-dir", dir.resolve("logs").toString(), "--non-interactive"));
        return Command.run(dir, Duration.ofSeconds(180), command.toArray(String[]::new));
    }

    private static String directory() {
        return server.url("acme/default/directory").toString();
    }

    private static Command.Result certonly(Path dir, String name) {
        return certbot(dir, "certonly", "--standalone", "--http-01-port", String.valueOf(HTTP01_PORT), "--http-01-address", "127.0.0.1",
                "--server", directory(), "--register-unsafely-without-email", "--agree-tos", "-d", name);
    }

    @Test
    void certbotObtainsRenewsAndRevokesACertificateThatOcspFollows(@TempDir Path dir) throws Exception {
        Command.Result obtained = certonly(dir, "www.localhost");
        assertThat(obtained.exitCode()).as("%s", obtained).isZero();
        Path live = dir.resolve("config/live/www.localhost");
        Path cert = live.resolve("cert.pem");
        String fullchain = Files.readString(live.resolve("fullchain.pem"));
        assertThat(fullchain.split("-----BEGIN CERTIFICATE-----", -1)).as("the certificate and the CA").hasSize(3);
        Path ca = server.caCertificatePem(dir);
        Command.Result verified = Command.run(dir, "openssl", "verify", "-CAfile", ca.toString(), cert.toString());
        assertThat(verified.exitCode()).as("%s", verified).isZero();
        Command.Result text = Command.run(dir, "openssl", "x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName,extendedKeyUsage");
        assertThat(text.stdout()).contains("DNS:www.localhost").contains("TLS Web Server Authentication");
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert), cert);
        String firstSerial = serial(dir, cert);

        // Without a terminal, certbot renew first sleeps up to 8 minutes unless told not to.
        Command.Result renewed = certbot(dir, "renew", "--force-renewal", "--no-random-sleep-on-renew", "--http-01-port", String.valueOf(HTTP01_PORT),
                "--http-01-address", "127.0.0.1");
        assertThat(renewed.exitCode()).as("%s", renewed).isZero();
        assertThat(renewed.stdout() + renewed.stderr()).contains("all renewals succeeded");
        assertThat(serial(dir, cert)).as("a new certificate").isNotEqualTo(firstSerial);
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert), cert);

        Command.Result revoked = certbot(dir, "revoke", "--cert-path", cert.toString(), "--server", directory(), "--no-delete-after-revoke");
        assertThat(revoked.exitCode()).as("%s", revoked).isZero();
        Command.Result ocsp = OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert);
        OpensslOcsp.assertVerified(ocsp);
        assertThat(OpensslOcsp.statusOf(ocsp, cert.toString()).status()).as("%s", ocsp).isEqualTo("revoked");
    }

    @Test
    void aNameTheProfileDoesNotAllowIsRejectedAndNothingIsIssued(@TempDir Path dir) throws IOException {
        Command.Result refused = certonly(dir, "www.example.org");
        assertThat(refused.exitCode()).as("%s", refused).isNotZero();
        // Debian's certbot 2.1.0 on Python 3.11 then fails to print the error ("AttributeError: can't
        // set attribute", josepy's immutable acme.messages.Error); its log has the problem document.
        assertThat(Files.readString(dir.resolve("logs/letsencrypt.log")))
                .contains("urn:ietf:params:acme:error:rejectedIdentifier")
                .contains("profile 'default' does not certify www.example.org");
        assertThat(dir.resolve("config/live/www.example.org")).doesNotExist();
    }

    private static String serial(Path dir, Path cert) {
        Command.Result serial = Command.run(dir, "openssl", "x509", "-in", cert.toString(), "-noout", "-serial");
        assertThat(serial.exitCode()).as("%s", serial).isZero();
        return serial.stdout().strip();
    }
}
