package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit that docs/operations.md installs ({@code dist/systemd/scepter.service}):
 * systemd itself finds nothing wrong with it, and the command line it starts is one that starts
 * Scepter. The sandbox it sets up needs systemd as PID 1, which a test machine has not; its
 * settings are what {@code systemd-analyze verify} checks.
 */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("..", "dist", "systemd", "scepter.service");

    @Test
    void systemdFindsNothingWrongWithTheUnit() {
        Command.Result verify = Command.run(Path.of("."), "systemd-analyze", "verify", "--man=no", UNIT.toAbsolutePath().normalize().toString());
        // An unknown or misspelt key is only a warning on standard error, with exit code 0.
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stderr()).as(verify.toString()).isBlank();
    }

    @Test
    void theUnitRunsScepterAsItsOwnUserWithThePrivateDataFolderAndTheHardening() throws IOException {
        List<String> lines = Files.readAllLines(UNIT);
        assertThat(lines).contains("User=scepter", "StateDirectory=scepter", "StateDirectoryMode=0700", "UMask=0077",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=");
        assertThat(execStart(lines)).containsSequence("--data-dir", "/var/lib/scepter");
        // Restart=on-failure brings a service back only if an OutOfMemoryError ends the JVM.
        assertThat(execStart(lines)).contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(lines).contains("Restart=on-failure");
    }

    @Test
    void itsCommandLineStartsScepterOnTheDataFolder(@TempDir Path work) throws Exception {
        Path dataDir = Files.createDirectory(work.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        for (String word : execStart(Files.readAllLines(UNIT))) {
            command.add(switch (word) {
                case "/opt/scepter/scepter.jar" -> ScepterProcess.launcherJar().toString();
                case "/var/lib/scepter" -> dataDir.toString();
                case "8080" -> Integer.toString(port);
                default -> word;
            });
        }
        command.addAll(List.of("--host", "127.0.0.1"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("out.log").toFile());
        builder.environment().keySet().removeIf(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("appconfig"));
        builder.environment().put(ScepterProcess.ROOT_KEY_SIZE, "2048");
        Process process = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            HttpResponse<String> probe = null;
            while (Instant.now().isBefore(deadline) && process.isAlive()) {
                try {
                    probe = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/probe")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    break;
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(probe).as(Files.readString(work.resolve("out.log"))).isNotNull();
            assertThat(probe.statusCode()).isEqualTo(200);
            assertThat(dataDir.resolve("ca.p12")).exists();
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        // SIGTERM ends the JVM with 143, which the unit counts as a clean stop (SuccessExitStatus=143).
        assertThat(process.exitValue()).isIn(0, 143);
    }

    private static List<String> execStart(List<String> unit) {
        String line = unit.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        return Arrays.asList(line.substring("ExecStart=".length()).trim().split("\\s+"));
    }
}
