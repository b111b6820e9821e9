package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.audit.AuditEvent;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate recorded in the embedded H2, with its audit line in the same commit as an
 * enrollment writes them, is in the file when the write returns: a process
 * killed with SIGKILL ({@code kill -9}, or the kernel's OOM killer) right after loses none of the
 * certificates it had recorded. H2 2.x otherwise writes commits to the file in the background
 * (its {@code WRITE_DELAY}, 500 ms by default), and a kill loses what was committed since.
 */
class EmbeddedStorageCrashTest {

    private static final int ACKNOWLEDGED_BEFORE_KILL = 300;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    @Test
    void noCertificateRecordedBeforeAKillIsLost() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                EmbeddedStorageRecorder.class.getName(), dataDir.toString(), "2");
        // To files, not pipes: Process.destroyForcibly closes the pipes, and what was printed just before the kill counts.
        Path printed = dataDir.resolve("recorder.out");
        Path errors = dataDir.resolve("recorder.err");
        Process recorder = new ProcessBuilder(command).redirectOutput(printed.toFile()).redirectError(errors.toFile()).start();
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (acknowledged(printed).size() < ACKNOWLEDGED_BEFORE_KILL) {
                assertThat(recorder.isAlive()).as("the recorder ended early; it said:\n%s", read(errors)).isTrue();
                assertThat(System.nanoTime()).as("%d certificates recorded within %s", ACKNOWLEDGED_BEFORE_KILL, TIMEOUT)
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            recorder.destroyForcibly();
            assertThat(recorder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(recorder.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        } finally {
            recorder.destroyForcibly();
        }
        List<BigInteger> acknowledged = acknowledged(printed);

        List<BigInteger> lost = new ArrayList<>();
        List<BigInteger> unaudited = new ArrayList<>();
        List<String> auditedWithoutCertificate = new ArrayList<>();
        try (JdbcStorage reopened = JdbcStorage.embedded(dataDir)) {
            Set<String> audited = reopened.auditLog().latest(Integer.MAX_VALUE).stream().map(AuditEvent::target)
                    .collect(Collectors.toSet());
            for (BigInteger serial : acknowledged) {
                if (reopened.certificateStore().find(EmbeddedStorageRecorder.ISSUER, serial).isEmpty()) {
                    lost.add(serial);
                }
                if (!audited.contains(serial.toString(16))) {
                    unaudited.add(serial);
                }
            }
            for (String target : audited) {
                if (reopened.certificateStore().find(EmbeddedStorageRecorder.ISSUER, new BigInteger(target, 16)).isEmpty()) {
                    auditedWithoutCertificate.add(target);
                }
            }
        }
        System.out.printf("EmbeddedStorageCrashTest: %d certificates recorded before the kill, %d missing after it%n",
                acknowledged.size(), lost.size());
        assertThat(lost).as("of %d certificates recorded before the kill", acknowledged.size()).isEmpty();
        assertThat(unaudited).as("recorded before the kill without their audit line").isEmpty();
        assertThat(auditedWithoutCertificate).as("audit lines whose certificate is not recorded").isEmpty();
    }

    /** The serials the recorder printed on whole lines: each one's {@code record} had returned. */
    private static List<BigInteger> acknowledged(Path printed) throws IOException {
        String text = read(printed);
        List<BigInteger> serials = new ArrayList<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (line.matches("[0-9a-f]+")) {
                serials.add(new BigInteger(line, 16));
            }
        }
        return serials;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
