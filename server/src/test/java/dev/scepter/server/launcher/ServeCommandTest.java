package dev.scepter.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.Storage;
import dev.scepter.installer.StorageFactory;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

    /**
     * A port another program holds: {@code serve} says which port, and that {@code --port} picks
     * another, in one line, and exits non-zero; not Spring's "Failed to start bean
     * 'webServerStartStop'".
     */
    @Test
    void aPortInUseIsNamedWithTheOptionThatChoosesAnother(@TempDir Path dataDir) throws Exception {
        try (ServerSocket occupier = new ServerSocket(); ServerSocket next = new ServerSocket()) {
            occupier.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = occupier.getLocalPort();
            // The next port is taken too: the suggestion must be a port that is free, not port + 1.
            org.junit.jupiter.api.Assumptions.assumeTrue(port < 65535);
            next.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream originalErr = System.err;
            PrintStream originalOut = System.out;
            int exit;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                exit = new CommandLine(new ServeCommand()).execute("--data-dir", dataDir.toString(), "--host", "127.0.0.1",
                        "--port", Integer.toString(port));
            } finally {
                System.setErr(originalErr);
                System.setOut(originalOut);
            }
            String said = err.toString(StandardCharsets.UTF_8);
            String all = out.toString(StandardCharsets.UTF_8) + said;
            assertThat(exit).as(all).isNotZero();
            String line = said.lines().filter(l -> l.startsWith("Scepter cannot start")).findFirst().orElse("");
            assertThat(line).as(all).contains("port " + port).contains("127.0.0.1").contains("in use").contains("--port");
            java.util.regex.Matcher suggested = java.util.regex.Pattern.compile("for example --port (\\d+)").matcher(line);
            assertThat(suggested.find()).as(line).isTrue();
            int suggestion = Integer.parseInt(suggested.group(1));
            assertThat(suggestion).isNotIn(port, port + 1);
            try (ServerSocket free = new ServerSocket()) {
                free.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), suggestion));
            }
            // Spring's failure report may come before it in the log; what serve says, and says last, is this line.
            assertThat(said).doesNotContain("webServerStartStop").doesNotContain("Exception");
            assertThat(all.strip().lines().reduce((first, second) -> second).orElse("")).isEqualTo(line);
        }
    }

    /**
     * An instance that used the embedded directory, once a Microsoft sign-in setting appears
     * without {@code AppConfig:Directory:Type}: {@code serve} stops before asking Graph, naming the
     * setting and both choices.
     */
    @Test
    void graphOnlyByDefaultOverAnEmbeddedDirectoryThatKeepsDevicesStopsStartUpNamingTheSetting(@TempDir Path dataDir) throws Exception {
        ScepterSettings plain = ScepterSettings.bind(RawSettings.of(Map.of()));
        try (Storage storage = StorageFactory.open(dataDir, plain.store())) {
            storage.embeddedDirectory().put(new EmbeddedDirectory.Entry(DirectoryObjectType.DEVICE, UUID.randomUUID(), true, Optional.of("laptop")));
        }
        Path settings = dataDir.resolve("azure-settings.json");
        Files.writeString(settings, "{\"AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime\": \"1700000000\"}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            exit = new CommandLine(new ServeCommand()).execute("--data-dir", dataDir.toString(), "--settings", settings.toString(),
                    "--host", "127.0.0.1", "--port", "0");
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(said).isEqualTo(1);
        assertThat(said).as(said).contains("Scepter cannot start: AppConfig:Directory:Type is not set")
                .contains("Embedded to keep the embedded directory, or Graph to switch");
    }
}
