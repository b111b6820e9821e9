package dev.scepter.e2e;

import java.net.URI;
import java.nio.file.Path;

/**
 * micromdm's {@code scepclient} (Debian package {@code scep}, 2.1.0). It makes its key and CSR
 * ({@code csr.pem} beside the key) in the folder it is given, asks GetCACaps and GetCACert, and
 * sends the PKIOperation by POST when the server offers POSTPKIOperation.
 */
final class Scepclient {

    private Scepclient() {
    }

    /** The key, CSR and certificate live in {@code dir}; the certificate is {@code dir/cert.pem}. */
    static Command.Result enroll(Path dir, URI scepUrl, String challenge, String commonName) {
        return Command.run(dir, "scepclient", "-debug",
                "-server-url", scepUrl.toString(),
                "-challenge", challenge,
                "-private-key", dir.resolve("key.pem").toString(),
                "-certificate", certificate(dir).toString(),
                "-cn", commonName);
    }

    /** As {@link #enroll(Path, URI, String, String)}, with an organizational unit of the test's choosing (scepclient's default is MDM). */
    static Command.Result enroll(Path dir, URI scepUrl, String challenge, String commonName, String organizationalUnit) {
        return Command.run(dir, "scepclient", "-debug",
                "-server-url", scepUrl.toString(),
                "-challenge", challenge,
                "-private-key", dir.resolve("key.pem").toString(),
                "-certificate", certificate(dir).toString(),
                "-cn", commonName,
                "-ou", organizationalUnit);
    }

    static Path certificate(Path dir) {
        return dir.resolve("cert.pem");
    }
}
