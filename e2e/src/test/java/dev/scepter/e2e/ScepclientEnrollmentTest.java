package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * micromdm's scepclient enrolls against the launcher with its defaults (AES-256 responses): the
 * certificate verifies against the CA, names what was asked, and is in the store.
 */
class ScepclientEnrollmentTest {

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withDefaults();

    @Test
    void enrollsOnScepWithTheStaticChallenge(@TempDir Path dir) throws Exception {
        Command.Result client = Scepclient.enroll(dir, server.url("scep"), server.staticChallenge(), "scepclient-scep");

        IssuedCertificates.assertIssuedAndRecorded(server, dir, Scepclient.certificate(dir), "scepclient-scep", client);
    }

    @Test
    void enrollsOnStaticWithTheStaticChallenge(@TempDir Path dir) throws Exception {
        Command.Result client = Scepclient.enroll(dir, server.url("static"), server.staticChallenge(), "scepclient-static");

        IssuedCertificates.assertIssuedAndRecorded(server, dir, Scepclient.certificate(dir), "scepclient-static", client);
    }

    @Test
    void enrollsOnThePkiclientExePath(@TempDir Path dir) throws Exception {
        Command.Result client = Scepclient.enroll(dir, server.url("scep/pkiclient.exe"), server.staticChallenge(), "scepclient-pkiclient-exe");

        IssuedCertificates.assertIssuedAndRecorded(server, dir, Scepclient.certificate(dir), "scepclient-pkiclient-exe", client);
    }

    @Test
    void aWrongChallengeIsRefusedWithACertRepFailureNotAnHttpError(@TempDir Path dir) {
        double refusedBefore = Metrics.pkiOperations(server, "failure-bad_request");

        Command.Result client = Scepclient.enroll(dir, server.url("scep"), "not-the-" + server.staticChallenge(), "scepclient-wrong");

        assertThat(client.exitCode()).as("scepclient should fail:\n%s", client).isNotZero();
        assertThat(client.output()).as("scepclient should report the CertRep's failInfo:\n%s", client).containsIgnoringCase("badRequest");
        assertThat(Scepclient.certificate(dir)).as("no certificate for a wrong challenge:\n%s", client).doesNotExist();
        assertThat(Metrics.pkiOperations(server, "failure-bad_request"))
                .as("one PKIOperation answered with a CertRep FAILURE badRequest; client:\n%s", client)
                .isEqualTo(refusedBefore + 1);
    }
}
