package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * strongSwan's {@code pki --scep} enrolls with the static challenge and is refused without it.
 *
 * <p>Requests are enveloped with AES and with 3DES. pki 5.9.8 tests the GetCACaps flags by bit
 * index instead of mask, so it sends AES only to a CA that also advertises SHA-384 (a strongSwan
 * bug): the server advertises it, and this test holds it to that. The CertRep comes back in
 * whatever cipher the server is set to; {@link ResponseEncryptionTest} covers each.
 */
class StrongswanPkiEnrollmentTest {

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withDefaults();

    @ParameterizedTest(name = "on /{0} with a {1} request")
    @CsvSource({"scep, aes", "static, des3"})
    void enrollsWithTheStaticChallenge(String path, String cipher, @TempDir Path dir) throws Exception {
        String commonName = "pki-" + path + "-" + cipher;
        Path key = StrongswanPki.generateKey(dir);

        Command.Result client = StrongswanPki.scep(dir, server.url(path), key, server.caCertificateDer(dir),
                "C=US, O=Scepter e2e, CN=" + commonName, server.staticChallenge(), cipher);

        IssuedCertificates.assertIssuedAndRecorded(server, dir, StrongswanPki.certificate(dir), commonName, client);
    }

    @Test
    void aWrongChallengeFailsTheClientWithoutAnHttpError(@TempDir Path dir) {
        Path key = StrongswanPki.generateKey(dir);
        double refusedBefore = Metrics.pkiOperations(server, "failure-bad_request");

        Command.Result client = StrongswanPki.scep(dir, server.url("scep"), key, server.caCertificateDer(dir),
                "CN=pki-wrong", "not-the-" + server.staticChallenge(), "des3");

        assertThat(client.exitCode()).as("pki should fail:\n%s", client).isNotZero();
        assertThat(client.stderr()).as("pki should report the CertRep's failInfo:\n%s", client).contains("failInfo:").contains("badRequest");
        assertThat(client.stdout()).as("pki printed a certificate for a wrong challenge:\n%s", client).doesNotContain("BEGIN CERTIFICATE");
        assertThat(Metrics.pkiOperations(server, "failure-bad_request"))
                .as("one PKIOperation answered with a CertRep FAILURE badRequest; client:\n%s", client)
                .isEqualTo(refusedBefore + 1);
    }
}
