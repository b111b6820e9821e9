package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.Optional;

/** What every certificate a client got from Scepter must be, checked as an operator would. */
final class IssuedCertificates {

    private IssuedCertificates() {
    }

    /**
     * {@code certificatePem} verifies against the server's CA with {@code openssl verify}, carries
     * {@code commonName} in its subject, and is recorded, byte for byte, in the server's store under
     * the serial {@code openssl x509 -serial} prints. {@code client} is the client's run, for the
     * messages.
     */
    static void assertIssuedAndRecorded(Scepter server, Path dir, Path certificatePem, String commonName, Command.Result client)
            throws IOException, GeneralSecurityException, SQLException {
        assertThat(client.exitCode()).as("the client's run:\n%s", client).isZero();
        assertThat(certificatePem).as("the client saved no certificate:\n%s", client).isRegularFile();

        Path caPem = server.caCertificatePem(dir);
        Command.Result verify = Openssl.verify(dir, caPem, certificatePem);
        assertThat(verify.exitCode()).as("openssl verify:\n%s", verify).isZero();
        assertThat(verify.stdout()).as("openssl verify:\n%s", verify).contains(": OK");

        String subject = Openssl.subject(dir, certificatePem);
        assertThat(subject.split("(?<!\\\\),")).as("subject %s", subject).contains("CN=" + commonName);

        String serial = Openssl.serial(dir, certificatePem);
        Optional<StoreRecords.IssuedCertificateRow> row = StoreRecords.issuedCertificate(server.dataDir(), serial);
        assertThat(row).as("issued_certificate row for serial %s", serial).isPresent();
        assertThat(row.get().der()).as("the stored DER of serial %s", serial).isEqualTo(read(certificatePem).getEncoded());
    }

    static X509Certificate read(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
