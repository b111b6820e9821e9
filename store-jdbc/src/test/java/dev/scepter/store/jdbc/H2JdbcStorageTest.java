package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.token.ApiRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void keepsTheDatabaseInTheDataFolderAndSaysSo() {
        Path file = dataDir.toAbsolutePath().resolve("scepter.mv.db");

        assertThat(file).isRegularFile();
        assertThat(storage.describe()).isEqualTo("H2 (embedded, " + file + ")");
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
