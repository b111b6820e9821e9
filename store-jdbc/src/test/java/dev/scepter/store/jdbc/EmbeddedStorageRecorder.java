package dev.scepter.store.jdbc;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.store.IssuedCertificate;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Run as a process of its own by {@link EmbeddedStorageCrashTest}: opens the embedded storage of
 * a data folder and records certificates, each with its audit line as an enrollment does
 * ({@code recordWithAudit}), one after another, until it is killed. After each write returns it
 * prints the serial (hex), as a server would send the CertRep then.
 *
 * <p>Arguments: the data folder, and the pause between two records in milliseconds.
 */
public final class EmbeddedStorageRecorder {

    static final String ISSUER = "CN=Crash Test CA";

    private EmbeddedStorageRecorder() {
    }

    public static void main(String[] args) throws InterruptedException {
        long pause = Long.parseLong(args[1]);
        SecureRandom random = new SecureRandom();
        byte[] der = new byte[1200];
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JdbcStorage storage = JdbcStorage.embedded(Path.of(args[0]));
        System.out.println("open");
        System.out.flush();
        while (true) {
            BigInteger serial = new BigInteger(1, randomBytes(random, 19)).setBit(154);
            random.nextBytes(der);
            IssuedCertificate certificate = new IssuedCertificate(serial, ISSUER, "CN=device-" + serial.toString(16), List.of(),
                    now, now.plus(365, ChronoUnit.DAYS), "scep", "challenge", Optional.empty(), Optional.empty(), Optional.empty(),
                    der);
            // As an enrollment records: the certificate and its audit line in one commit.
            if (!storage.certificateStore().recordWithAudit(certificate, new AuditEvent(Instant.now(), "crash test", "certificate.issue",
                    serial.toString(16), "success"), storage.auditLog())) {
                throw new IllegalStateException("the audit line was not committed with the certificate");
            }
            System.out.println(serial.toString(16));
            System.out.flush();
            if (pause > 0) {
                Thread.sleep(pause);
            }
        }
    }

    private static byte[] randomBytes(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
