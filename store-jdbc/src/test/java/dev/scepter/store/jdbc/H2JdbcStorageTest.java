package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.token.ApiRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the embedded H2 file database, plus what only the embedded mode does. */
class H2JdbcStorageTest extends JdbcStorageContract {

    @TempDir
    Path dataDir;

    @Override
    protected void prepareEmptyDatabase() {
        // a new temporary data folder for every test
    }

    @Override
    protected JdbcStorage openStorage() {
        return JdbcStorage.embedded(dataDir);
    }

    @Override
    protected String[] unmigratedDatabase() {
        return new String[] {"jdbc:h2:mem:before-v7-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", ""};
    }

    @Test
    void keepsTheDatabaseInTheDataFolderAndSaysSo() {
        Path file = dataDir.toAbsolutePath().resolve("scepter.mv.db");

        assertThat(file).isRegularFile();
        assertThat(storage.describe()).isEqualTo("H2 (embedded, " + file + ")");
    }

    @Test
    void aNewDatabaseHasAGeneratedPasswordThatOnlyItsOwnerCanRead() throws Exception {
        Path passwordFile = dataDir.resolve("database-password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        assertThat(password).matches("[A-Za-z0-9_-]{43}");
        try (var files = Files.list(dataDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("scepter.")).toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
            }
        }
        // Through H2's automatic mixed mode, as another process of this machine would come in.
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("scepter") + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE";
        for (String wrong : List.of("", "sa", password.substring(1))) {
            assertThatThrownBy(() -> DriverManager.getConnection(url, "sa", wrong).close()).as("password '%s'", wrong)
                    .isInstanceOf(SQLException.class).hasMessageContaining("Wrong user name or password");
        }
        try (Connection connection = DriverManager.getConnection(url, "sa", password)) {
            assertThat(connection.isValid(1)).isTrue();
        }
    }

    @Test
    void theDatabasesServerForOtherProcessesListensOnLoopbackOnly() throws Exception {
        // The lock file names the port of the server that H2 starts for other processes.
        String lock = Files.readString(dataDir.resolve("scepter.lock.db"), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher server = java.util.regex.Pattern.compile("server=[^\\n]*?(\\d+)\\s").matcher(lock);
        assertThat(server.find()).as(lock).isTrue();
        int port = Integer.parseInt(server.group(1));
        String hexPort = String.format("%04X", port);
        List<String> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                // local_address is HEXIP:HEXPORT, state 0A is LISTEN
                if (fields.length > 3 && fields[1].endsWith(":" + hexPort) && "0A".equals(fields[3])) {
                    listeners.add(fields[1].substring(0, fields[1].indexOf(':')));
                }
            }
        }
        assertThat(listeners).as("listeners on port %d", port).isNotEmpty()
                .allMatch(address -> address.equals("0100007F") || address.equals("0000000000000000FFFF00000100007F"));
    }

    @Test
    void anotherProcessUsesTheDatabaseWhileThisOneHasItOpen() throws Exception {
        storage.certificateStore().record(certificate(serial(0x50)));
        Path output = dataDir.resolve("probe.out");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                EmbeddedStorageProbe.class.getName(), dataDir.toString(), "from-another-process"));

        Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(probe.waitFor(2, TimeUnit.MINUTES)).as("the probe process finished").isTrue();

        String said = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(said).isZero();
        assertThat(said).contains("certificates: 1");
        assertThat(storage.apiTokenStore().list()).singleElement()
                .satisfies(token -> {
                    assertThat(token.name()).isEqualTo("from-another-process");
                    assertThat(token.roles()).containsExactly(ApiRole.CHALLENGE_CREATE);
                });
    }
}
