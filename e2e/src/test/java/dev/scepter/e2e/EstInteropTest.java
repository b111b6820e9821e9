package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * EST (RFC 7030) with real clients against the built launcher: strongSwan's {@code pki --estca}
 * fetches the CA over the HTTPS listener, {@code pki --est} enrolls with a one-time challenge
 * (HTTP Basic) and re-enrolls over mutual TLS with the certificate it got, and {@code curl}
 * enrolls with a bearer token; each certificate verifies against the CA, is recorded, and
 * {@code openssl ocsp} says good; curl has a key made on the server (serverkeygen). A revoked
 * certificate cannot re-enroll; a malformed CSR, a
 * wrong token and a token without the role are refused.
 */
class EstInteropTest {

    private static final int HTTPS_PORT = freePort();
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\"\\s*:\\s*\"([^\"]+)\"");

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__Https__Port", String.valueOf(HTTPS_PORT),
            "AppConfig__Https__ClientCertificateMode", "Optional",
            "AppConfig__DbCSRValidation__AllowRenewals", "true",
            "AppConfig__DbCSRValidation__AllowDynamicChallenges", "true"));

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String estUrl() {
        return "https://127.0.0.1:" + HTTPS_PORT;
    }

    private static Command.Result pki(Path dir, String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "pki";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        return Command.run(dir, command);
    }

    /** A new RSA key and a PKCS#10 request for it ({@code pki --gen}, {@code pki --req}), PEM. */
    private static Path request(Path dir, String name, String dn) throws IOException {
        Command.Result key = pki(dir, "--gen", "--type", "rsa", "--size", "2048", "--outform", "pem");
        assertThat(key.exitCode()).as("%s", key).isZero();
        Files.writeString(dir.resolve(name + ".key"), key.stdout(), StandardCharsets.US_ASCII);
        Command.Result req = pki(dir, "--req", "--in", name + ".key", "--dn", dn, "--outform", "pem");
        assertThat(req.exitCode()).as("%s", req).isZero();
        return Files.writeString(dir.resolve(name + ".csr"), req.stdout(), StandardCharsets.US_ASCII);
    }

    private static Path saved(Path dir, String name, Command.Result client) throws IOException {
        return Files.writeString(dir.resolve(name), client.stdout(), StandardCharsets.US_ASCII);
    }

    private static void assertGood(Path dir, Path certificatePem) {
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(dir, server.url("ocsp"), server.caCertificatePem(dir), certificatePem), certificatePem);
    }

    private String oneTimeChallenge() {
        String body = CoreApi.body(new CoreApi(server).send("POST", "api/challenges", "{}"));
        Matcher challenge = CHALLENGE.matcher(body);
        assertThat(challenge.find()).as("POST /api/challenges: %s", body).isTrue();
        return challenge.group(1);
    }

    @Test
    void pkiFetchesTheCaEnrollsAndReenrollsOverMutualTlsAndARevokedCertificateCannotReenroll(@TempDir Path dir) throws Exception {
        Path ca = server.caCertificatePem(dir);

        Command.Result estca = pki(dir, "--estca", "--url", estUrl(), "--cacert", ca.toString(), "--caout", "cacert.pem", "--outform", "pem");
        assertThat(estca.exitCode()).as("%s", estca).isZero();
        assertThat(IssuedCertificates.read(dir.resolve("cacert.pem"))).isEqualTo(server.caCertificate());

        String dn = "C=US, O=Scepter e2e, CN=pki-est";
        Path first = request(dir, "first", dn);
        Command.Result enrolled = pki(dir, "--est", "--url", estUrl(), "--in", first.toString(), "--cacert", ca.toString(),
                "--userpass", "device:" + oneTimeChallenge(), "--outform", "pem");
        Path firstCertificate = saved(dir, "first.pem", enrolled);
        IssuedCertificates.assertIssuedAndRecorded(server, dir, firstCertificate, "pki-est", enrolled);
        assertGood(dir, firstCertificate);

        Path second = request(dir, "second", dn);
        Command.Result reenrolled = pki(dir, "--est", "--url", estUrl(), "--in", second.toString(), "--cacert", ca.toString(),
                "--cert", firstCertificate.toString(), "--key", "first.key", "--outform", "pem");
        assertThat(reenrolled.stderr()).as("pki authenticated with the old certificate:\n%s", reenrolled).contains("sending TLS client certificate");
        Path secondCertificate = saved(dir, "second.pem", reenrolled);
        IssuedCertificates.assertIssuedAndRecorded(server, dir, secondCertificate, "pki-est", reenrolled);
        assertThat(Openssl.serial(dir, secondCertificate)).isNotEqualTo(Openssl.serial(dir, firstCertificate));
        assertGood(dir, secondCertificate);

        new CoreApi(server).revoked(Openssl.serial(dir, secondCertificate), 1);
        Path third = request(dir, "third", dn);
        Command.Result refused = pki(dir, "--est", "--url", estUrl(), "--in", third.toString(), "--cacert", ca.toString(),
                "--cert", secondCertificate.toString(), "--key", "second.key", "--outform", "pem");
        assertThat(refused.exitCode()).as("a revoked certificate re-enrolled:\n%s", refused).isNotZero();
        assertThat(refused.stderr()).as("%s", refused).contains("HTTP 403");
        assertThat(refused.stdout()).doesNotContain("BEGIN CERTIFICATE");
    }

    @Test
    void curlEnrollsWithABearerToken(@TempDir Path dir) throws Exception {
        server.caCertificatePem(dir);
        String token = token(dir, "est-curl", "CSR.Request.Db");
        Command.Result csr = Command.run(dir, "sh", "-c", "openssl req -new -newkey rsa:2048 -nodes -keyout curl.key -subj /CN=curl-est "
                + "-outform DER | base64 > curl.b64");
        assertThat(csr.exitCode()).as("%s", csr).isZero();

        Command.Result curl = Command.run(dir, "sh", "-c", "curl -sS --fail-with-body --cacert ca.pem -H 'Authorization: Bearer " + token + "' "
                + "-H 'Content-Type: application/pkcs10' --data-binary @curl.b64 " + estUrl() + "/.well-known/est/simpleenroll "
                + "| base64 -d | openssl pkcs7 -inform DER -print_certs -out curl.pem");
        IssuedCertificates.assertIssuedAndRecorded(server, dir, dir.resolve("curl.pem"), "curl-est", curl);
        assertGood(dir, dir.resolve("curl.pem"));
    }

    /**
     * serverkeygen (RFC 7030 section 4.4) with curl and a bearer token: the answer's two parts are
     * read as any client would (the boundary from the Content-Type), the key by {@code openssl pkey}
     * and the certificate by {@code openssl pkcs7}; the key is the one the certificate certifies.
     */
    @Test
    void curlHasTheKeyMadeOnTheServerWithABearerToken(@TempDir Path dir) throws Exception {
        server.caCertificatePem(dir);
        String token = token(dir, "est-keygen", "CSR.Request.Db");
        Command.Result csr = Command.run(dir, "sh", "-c", "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                + "-keyout throwaway.key -subj /CN=keygen-est -outform DER | base64 > keygen.b64");
        assertThat(csr.exitCode()).as("%s", csr).isZero();

        Command.Result curl = Command.run(dir, "curl", "-sS", "--fail-with-body", "-D", "headers.txt", "-o", "answer.txt", "--cacert", "ca.pem",
                "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/pkcs10", "--data-binary", "@keygen.b64",
                estUrl() + "/.well-known/est/serverkeygen");
        assertThat(curl.exitCode()).as("%s", curl).isZero();
        Matcher boundary = Pattern.compile("(?im)^content-type:\\s*multipart/mixed;\\s*boundary=\"?([^\"\\r\\n]+)\"?\\r?$")
                .matcher(Files.readString(dir.resolve("headers.txt"), StandardCharsets.US_ASCII));
        assertThat(boundary.find()).as("a multipart/mixed answer").isTrue();
        String[] parts = Files.readString(dir.resolve("answer.txt"), StandardCharsets.US_ASCII)
                .split("\r\n--" + Pattern.quote(boundary.group(1)) + "(--)?\r\n", -1);
        assertThat(parts).hasSize(3);
        String[] key = parts[0].split("\r\n\r\n", 2);
        String[] certificate = parts[1].split("\r\n\r\n", 2);
        assertThat(key[0]).contains("Content-Type: application/pkcs8");
        assertThat(certificate[0]).contains("Content-Type: application/pkcs7-mime; smime-type=certs-only");
        Files.write(dir.resolve("key.der"), java.util.Base64.getMimeDecoder().decode(key[1]));
        Files.write(dir.resolve("certificate.p7"), java.util.Base64.getMimeDecoder().decode(certificate[1]));

        Command.Result certificatePem = Command.run(dir, "openssl", "pkcs7", "-inform", "DER", "-in", "certificate.p7", "-print_certs",
                "-out", "keygen.pem");
        IssuedCertificates.assertIssuedAndRecorded(server, dir, dir.resolve("keygen.pem"), "keygen-est", certificatePem);
        Command.Result keyPublic = Command.run(dir, "openssl", "pkey", "-inform", "DER", "-in", "key.der", "-pubout");
        Command.Result certifiedPublic = Command.run(dir, "openssl", "x509", "-in", "keygen.pem", "-noout", "-pubkey");
        Command.Result throwawayPublic = Command.run(dir, "openssl", "pkey", "-in", "throwaway.key", "-pubout");
        assertThat(keyPublic.exitCode()).as("%s", keyPublic).isZero();
        assertThat(keyPublic.stdout()).as("the key in the answer is the certified one").isEqualTo(certifiedPublic.stdout())
                .isNotEqualTo(throwawayPublic.stdout());
        assertGood(dir, dir.resolve("keygen.pem"));

        Command.Result plain = Command.run(dir, "curl", "-sS", "-o", "plain.txt", "-w", "%{http_code}", "-H", "Authorization: Bearer " + token,
                "-H", "Content-Type: application/pkcs10", "--data-binary", "@keygen.b64",
                String.valueOf(server.url(".well-known/est/serverkeygen")));
        assertThat(plain.stdout()).as("a private key is not sent over plain HTTP: %s", plain).isEqualTo("403");
    }

    @Test
    void curlIsRefusedAMalformedCsrAWrongTokenAndATokenWithoutTheRole(@TempDir Path dir) throws Exception {
        server.caCertificatePem(dir);
        String enroller = token(dir, "est-curl-refused", "CSR.Request.Db");
        String other = token(dir, "est-directory", "Directory.Manage");
        Files.writeString(dir.resolve("junk.b64"), "bm90IGEgQ1NS\n", StandardCharsets.US_ASCII);
        Command.Result csr = Command.run(dir, "sh", "-c", "openssl req -new -newkey rsa:2048 -nodes -keyout k.pem -subj /CN=refused "
                + "-outform DER | base64 > good.b64");
        assertThat(csr.exitCode()).as("%s", csr).isZero();

        for (List<String> call : List.of(List.of(enroller, "junk.b64", "400"), List.of("sct_wrong", "good.b64", "401"),
                List.of(other, "good.b64", "403"))) {
            Command.Result curl = Command.run(dir, "curl", "-sS", "-o", "body.json", "-w", "%{http_code}", "--cacert", "ca.pem",
                    "-H", "Authorization: Bearer " + call.get(0), "-H", "Content-Type: application/pkcs10",
                    "--data-binary", "@" + call.get(1), estUrl() + "/.well-known/est/simpleenroll");
            String body = Files.readString(dir.resolve("body.json"), StandardCharsets.UTF_8);
            assertThat(curl.stdout()).as("%s with %s: %s", call.get(1), call.get(0).equals(enroller) ? "the enroller" : call.get(0), body)
                    .isEqualTo(call.get(2));
            assertThat(body).contains("\"errorMessage\"").doesNotContain("Exception");
        }
    }

    /** {@code scepter token create}, as an admin runs it beside the running server. */
    private static String token(Path dir, String name, String role) {
        Command.Result created = Command.run(dir, ScepterProcess.javaExecutable(), "-jar", ScepterProcess.launcherJar().toString(),
                "token", "create", "--data-dir", server.dataDir().toString(), "--name", name, "--role", role);
        assertThat(created.exitCode()).as("%s", created).isZero();
        return created.stdout().strip();
    }
}
