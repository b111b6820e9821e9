package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * strongSwan's {@code pki} (packages strongswan-pki and libstrongswan-extra-plugins, for its curl
 * fetcher; 5.9.8) as a SCEP client: {@code pki --scep}.
 */
final class StrongswanPki {

    private StrongswanPki() {
    }

    /** {@code pki --gen --type rsa --size 2048 --outform pem}, saved as {@code dir/key.pem}. */
    static Path generateKey(Path dir) {
        Command.Result result = Command.run(dir, "pki", "--gen", "--type", "rsa", "--size", "2048", "--outform", "pem");
        assertThat(result.exitCode()).as("%s", result).isZero();
        return write(dir.resolve("key.pem"), result.stdout());
    }

    /**
     * {@code pki --scep}: enrolls {@code key} as {@code dn} with {@code password}, the request's
     * envelope encrypted with {@code cipher} ({@code aes} or {@code des3}; 5.9.8 sends {@code aes} only when the
     * CA advertises SHA-384, see {@link StrongswanPkiEnrollmentTest}); the CA certificate
     * serves for both encryption and signature checks. On success the certificate, PEM, is
     * {@link #certificate(Path) dir/cert.pem}.
     */
    static Command.Result scep(Path dir, URI scepUrl, Path key, Path caCertificate, String dn, String password, String cipher) {
        Command.Result result = Command.run(dir, "pki", "--scep",
                "--url", scepUrl.toString(),
                "--in", key.toString(),
                "--dn", dn,
                "--password", password,
                "--cacert-enc", caCertificate.toString(),
                "--cacert-sig", caCertificate.toString(),
                "--cipher", cipher,
                "--maxpolltime", "1",
                "--outform", "pem");
        if (result.exitCode() == 0) {
            write(certificate(dir), result.stdout());
        }
        return result;
    }

    static Path certificate(Path dir) {
        return dir.resolve("cert.pem");
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
