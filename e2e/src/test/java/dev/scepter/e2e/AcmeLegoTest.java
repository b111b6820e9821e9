package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME (RFC 8555) with a second real client, Debian's lego, against the built launcher: lego
 * registers, answers HTTP-01 with its own server on a loopback port ({@code AppConfig:Acme:Http01Port}),
 * gets a certificate for a name under {@code localhost} (RFC 6761: the loopback address), renews
 * it and revokes it; {@code openssl ocsp} says good, then revoked. The same over DNS-01 through
 * hooks, and over TLS-ALPN-01 with lego's own TLS server ({@code AppConfig:Acme:TlsAlpn01Port}).
 * And on a second profile, {@code lab} ({@code AppConfig:Acme:Profiles}), which certifies names
 * under {@code lab.localhost} only.
 */
class AcmeLegoTest {

    private static final int HTTP01_PORT = freePort();
    private static final int TLS_ALPN01_PORT = freePort();
    /** The server's scratch folder is the "zone": lego's exec provider writes each TXT value into a file named after the record; Scepter's hook prints it. */
    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withScratchFolder(zone -> Map.of(
            "AppConfig__Acme__Enabled", "true",
            "AppConfig__Acme__DnsSuffixes", "localhost",
            "AppConfig__Acme__Http01Port", String.valueOf(HTTP01_PORT),
            "AppConfig__Acme__TlsAlpn01Port", String.valueOf(TLS_ALPN01_PORT),
            "AppConfig__Acme__Dns01LookupCommand", hooks(zone).resolve("scepter-lookup.sh").toString(),
            "AppConfig__Acme__AllowWildcards", "true",
            "AppConfig__Acme__Profiles", "lab",
            "AppConfig__Acme__Profiles__lab__DnsSuffixes", "lab.localhost"));

    /**
     * The two hooks, as docs/acme.md shows them: lego's (EXEC_PATH, called as {@code present|cleanup
     * FQDN VALUE}, FQDN with its trailing dot) appends the value to the record's file, since a name
     * and its wildcard share one record; Scepter's (called with the record's name) prints the file.
     */
    private static Path hooks(Path zone) {
        try {
            script(zone.resolve("lego-exec.sh"), "name=\"${2%.}\"\ncase \"$1\" in\n  present) echo \"$3\" >> \"" + zone + "/$name.txt\" ;;\n"
                    + "  cleanup) rm -f \"" + zone + "/$name.txt\" ;;\nesac\n");
            script(zone.resolve("scepter-lookup.sh"), "cat \"" + zone + "/$1.txt\" 2>/dev/null\nexit 0\n");
            return zone;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** lego's global options (before the command, as its command line wants them), then the command's. */
    static Command.Result lego(Path dir, List<String> environment, List<String> global, String... command) {
        return lego("default", dir, environment, global, command);
    }

    /** lego against the profile {@code profile}'s directory. */
    static Command.Result lego(String profile, Path dir, List<String> environment, List<String> global, String... command) {
        List<String> line = new ArrayList<>(List.of("env"));
        line.addAll(environment);
        line.addAll(List.of("lego", "--server", server.url("acme/" + profile + "/directory").toString(), "--path", dir.resolve("lego").toString(),
                "--accept-tos", "--email", "lego@example.com"));
        line.addAll(global);
        line.addAll(List.of(command));
        return Command.run(dir, Duration.ofSeconds(180), line.toArray(String[]::new));
    }

    private static List<String> http01(String name) {
        return List.of("--domains", name, "--http", "--http.port", "127.0.0.1:" + HTTP01_PORT);
    }

    @Test
    void legoObtainsRenewsAndRevokesACertificateThatOcspFollows(@TempDir Path dir) {
        String name = "lego.localhost";
        Command.Result obtained = lego(dir, List.of(), http01(name), "run");
        assertThat(obtained.exitCode()).as("%s", obtained).isZero();
        Path cert = dir.resolve("lego/certificates/" + name + ".crt");
        Path ca = server.caCertificatePem(dir);
        Command.Result verified = Command.run(dir, "openssl", "verify", "-CAfile", ca.toString(), cert.toString());
        assertThat(verified.exitCode()).as("%s", verified).isZero();
        Command.Result text = Command.run(dir, "openssl", "x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName,extendedKeyUsage");
        assertThat(text.stdout()).contains("DNS:" + name).contains("TLS Web Server Authentication");
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert), cert);
        String firstSerial = serial(dir, cert);

        // --days: renew when fewer days than that are left, which with 3650 is now; without a terminal
        // lego first sleeps a random while unless told not to.
        Command.Result renewed = lego(dir, List.of(), http01(name), "renew", "--days", "3650", "--no-random-sleep");
        assertThat(renewed.exitCode()).as("%s", renewed).isZero();
        assertThat(serial(dir, cert)).as("a new certificate").isNotEqualTo(firstSerial);
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert), cert);

        Command.Result revoked = lego(dir, List.of(), List.of("--domains", name), "revoke", "--keep");
        assertThat(revoked.exitCode()).as("%s", revoked).isZero();
        Command.Result ocsp = OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert);
        OpensslOcsp.assertVerified(ocsp);
        assertThat(OpensslOcsp.statusOf(ocsp, cert.toString()).status()).as("%s", ocsp).isEqualTo("revoked");
    }

    /**
     * A second profile: lego gets a name under {@code lab.localhost} from {@code /acme/lab/directory},
     * a certificate the CA verifies and OCSP calls good; a name under {@code localhost} that {@code default}
     * certifies and {@code lab} does not is refused there as {@code rejectedIdentifier}, and nothing is issued.
     * (That the record's requester names the profile is {@code AcmeProfilesTest}'s to show.)
     */
    @Test
    void legoObtainsACertificateOnASecondProfileThatRefusesOtherNames(@TempDir Path dir) {
        String name = "www.lab.localhost";
        Command.Result obtained = lego("lab", dir, List.of(), http01(name), "run");
        assertThat(obtained.exitCode()).as("%s", obtained).isZero();
        Path cert = dir.resolve("lego/certificates/" + name + ".crt");
        Path ca = server.caCertificatePem(dir);
        Command.Result verified = Command.run(dir, "openssl", "verify", "-CAfile", ca.toString(), cert.toString());
        assertThat(verified.exitCode()).as("%s", verified).isZero();
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert), cert);

        Command.Result refused = lego("lab", dir, List.of(), http01("other.localhost"), "run");
        assertThat(refused.exitCode()).as("%s", refused).isNotZero();
        assertThat(refused.output()).contains("rejectedIdentifier").contains("profile 'lab' does not certify other.localhost");
        assertThat(dir.resolve("lego/certificates/other.localhost.crt")).doesNotExist();
    }

    /**
     * TLS-ALPN-01 (RFC 8737): lego answers with its own TLS server on a loopback port, serving the
     * validation certificate to a handshake that offers acme-tls/1; Scepter connects there (the name
     * is under {@code localhost}, so 127.0.0.1), checks the certificate, and the order is issued.
     */
    @Test
    void legoObtainsACertificateThroughTlsAlpn01(@TempDir Path dir) {
        String name = "tls.localhost";
        Command.Result obtained = lego(dir, List.of(), List.of("--domains", name, "--tls", "--tls.port", "127.0.0.1:" + TLS_ALPN01_PORT), "run");
        assertThat(obtained.exitCode()).as("%s", obtained).isZero();
        assertThat(obtained.output()).contains("[" + name + "] acme: use tls-alpn-01 solver").doesNotContain("use http-01 solver");
        Path cert = dir.resolve("lego/certificates/" + name + ".crt");
        Path ca = server.caCertificatePem(dir);
        Command.Result verified = Command.run(dir, "openssl", "verify", "-CAfile", ca.toString(), cert.toString());
        assertThat(verified.exitCode()).as("%s", verified).isZero();
        Command.Result text = Command.run(dir, "openssl", "x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName");
        assertThat(text.stdout()).contains("DNS:" + name);
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert), cert);
    }

    /**
     * DNS-01 through the hooks: lego's exec provider publishes the TXT values, Scepter's lookup
     * command reads them; one certificate for a name and the wildcard over it (a wildcard only by
     * DNS-01). lego first checks the record itself at a resolver: a stub on loopback that answers
     * every query with an empty NOERROR, enough for lego with {@code --dns.disable-cp}, keeps that
     * check off the network. Then lego revokes it and OCSP says revoked.
     */
    @Test
    void legoGetsANameAndItsWildcardThroughDns01Hooks(@TempDir Path dir) throws Exception {
        try (LoopbackDnsStub resolver = LoopbackDnsStub.start()) {
            List<String> environment = List.of("EXEC_PATH=" + server.scratch().resolve("lego-exec.sh"), "EXEC_POLLING_INTERVAL=1",
                    "EXEC_PROPAGATION_TIMEOUT=30",
                    // lego waits EXEC_SEQUENCE_INTERVAL (a minute) between two challenges of one record.
                    "EXEC_SEQUENCE_INTERVAL=1", "LEGO_DISABLE_CNAME_SUPPORT=true");
            List<String> dns01 = List.of("--domains", "dns.localhost", "--domains", "*.dns.localhost", "--dns", "exec",
                    "--dns.disable-cp", "--dns.resolvers", "127.0.0.1:" + resolver.port());
            Command.Result obtained = lego(dir, environment, dns01, "run");
            assertThat(obtained.exitCode()).as("%s", obtained).isZero();
            assertThat(obtained.output()).contains("[dns.localhost] acme: use dns-01 solver", "[*.dns.localhost] acme: use dns-01 solver")
                    .doesNotContain("use http-01 solver");
            Path cert = dir.resolve("lego/certificates/dns.localhost.crt");
            Path ca = server.caCertificatePem(dir);
            Command.Result text = Command.run(dir, "openssl", "x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName");
            assertThat(text.stdout()).contains("DNS:dns.localhost").contains("DNS:*.dns.localhost");
            assertThat(server.scratch().resolve("_acme-challenge.dns.localhost.txt")).as("lego cleaned up").doesNotExist();
            OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert), cert);

            Command.Result revoked = lego(dir, List.of(), List.of("--domains", "dns.localhost"), "revoke", "--keep");
            assertThat(revoked.exitCode()).as("%s", revoked).isZero();
            Command.Result ocsp = OpensslOcsp.queryCert(dir, server.url("ocsp"), ca, cert);
            assertThat(OpensslOcsp.statusOf(ocsp, cert.toString()).status()).as("%s", ocsp).isEqualTo("revoked");
        }
    }

    static String serial(Path dir, Path cert) {
        Command.Result serial = Command.run(dir, "openssl", "x509", "-in", cert.toString(), "-noout", "-serial");
        assertThat(serial.exitCode()).as("%s", serial).isZero();
        return serial.stdout().strip();
    }
}
