package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default is its owner's alone, tried as another local account would try it
 * ({@code runuser -u nobody}): no file of the data folder can be read, and the database's server
 * for other processes refuses a connection even from one who learned its port and key. One
 * {@code serve} per data folder, and secrets printed only to a terminal.
 */
@ExtendWith(PrintServerLogOnFailure.class)
class DataFolderPrivacyTest {

    private static final String SMALL_ROOT_KEY = "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize";

    @Test
    void anotherLocalUserCanReadNoFileAndTheDatabaseRefusesThem(@TempDir Path dir) throws Exception {
        assumeTrue("0".equals(Command.run(dir, "id", "-u").stdout().strip()), "acting as another user (runuser) needs root");
        try (ScepterProcess server = ScepterProcess.start()) {
            Path data = server.dataDir();
            // Only the data folder's own modes may stand between the other user and its files.
            for (Path folder = data.getParent(); folder.getParent() != null; folder = folder.getParent()) {
                if (folder.startsWith(System.getProperty("java.io.tmpdir")) && !folder.equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            List<Path> files;
            try (Stream<Path> listed = Files.list(data)) {
                files = listed.toList();
            }
            assertThat(files).extracting(f -> f.getFileName().toString())
                    .contains("ca.p12", "ca.p12.password", "scepter.mv.db", "scepter.lock.db", "database-password", "admin-token",
                            "static-challenge", "certmaster-client.json", "appsettings.json", "serve.lock");

            Command.Result list = asNobody(dir, "ls", data.toString());
            assertThat(list.exitCode()).as(list.toString()).isNotZero();
            assertThat(list.stderr()).contains("Permission denied");
            for (Path file : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
                Command.Result read = asNobody(dir, "cat", file.toString());
                assertThat(read.exitCode()).as(read.toString()).isNotZero();
                assertThat(read.stdout()).isEmpty();
            }

            // Worst case: the other user learned the port and key of H2's server (the lock file holds them).
            String lock = Files.readString(data.resolve("scepter.lock.db"), StandardCharsets.ISO_8859_1);
            Matcher port = Pattern.compile("server=[^\\n]*?(\\d+)\\s").matcher(lock);
            Matcher key = Pattern.compile("(?m)^id=(\\S+)").matcher(lock);
            assertThat(port.find() && key.find()).as(lock).isTrue();
            Path h2 = h2JarReadableByAll(dir);
            String url = "jdbc:h2:tcp://127.0.0.1:" + port.group(1) + "/" + key.group(1);
            for (String password : List.of("", "sa")) {
                Command.Result connect = asNobody(dir, ScepterProcess.javaExecutable(), "-cp", h2.toString(), "org.h2.tools.Shell",
                        "-url", url, "-user", "sa", "-password", password,
                        "-sql", "insert into api_token (name) values ('intruder')");
                assertThat(connect.exitCode()).as(connect.toString()).isNotZero();
                assertThat(connect.output()).as(connect.toString()).contains("Wrong user name or password");
            }
            // Through the file itself, as H2's automatic mixed mode would.
            Command.Result file = asNobody(dir, ScepterProcess.javaExecutable(), "-cp", h2.toString(), "org.h2.tools.Shell",
                    "-url", "jdbc:h2:file:" + data.resolve("scepter") + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE", "-user", "sa", "-password", "",
                    "-sql", "select count(*) from api_token");
            assertThat(file.exitCode()).as(file.toString()).isNotZero();
            assertThat(file.output()).doesNotContain("COUNT(*)");
        }
    }

    @Test
    void aSecondServeOnTheSameDataFolderIsRefusedNamingTheFirst(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (ScepterProcess first = ScepterProcess.start(Map.of(), data, ScepterProcess.javaExecutable())) {
            ScepterProcess.Refusal second = ScepterProcess.startExpectingRefusal(Map.of(), data);
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.log()).contains("Scepter cannot start: another Scepter serves the data folder " + data.toAbsolutePath(),
                    first.baseUrl().toString(), "--data-dir").doesNotContain("\tat ");
            assertThat(first.get("probe").statusCode()).as("the first one serves on").isEqualTo(200);
        }
        // The lock ended with its process: the folder serves again.
        try (ScepterProcess again = ScepterProcess.start(Map.of(), data, ScepterProcess.javaExecutable())) {
            assertThat(again.get("probe").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void secretsArePrintedOnATerminalOnly(@TempDir Path dir) throws Exception {
        Path quiet = dir.resolve("quiet");
        Path settings = Files.writeString(dir.resolve("settings.json"), "{\"" + SMALL_ROOT_KEY + "\": \"2048\"}");
        Command.Result withoutTerminal = Command.run(dir, launcher("complete-installation", "--data-dir", quiet.toString(),
                "--settings", settings.toString()));
        assertThat(withoutTerminal.exitCode()).as(withoutTerminal.toString()).isZero();
        String token = Files.readString(quiet.resolve("admin-token")).strip();
        assertThat(withoutTerminal.output()).doesNotContain(token).doesNotContain(Files.readString(quiet.resolve("static-challenge")).strip())
                .contains("Admin API token: kept in " + quiet.resolve("admin-token"),
                        "Static SCEP challenge: kept in " + quiet.resolve("static-challenge"));

        // script(1) gives the launcher a pseudo-terminal, as an admin's shell has.
        Path loud = dir.resolve("loud");
        Command.Result onTerminal = Command.run(dir, "script", "-qec", String.join(" ", launcher("complete-installation", "--data-dir",
                loud.toString(), "--settings", settings.toString())), "/dev/null");
        assertThat(onTerminal.exitCode()).as(onTerminal.toString()).isZero();
        assertThat(onTerminal.stdout()).contains("Admin API token (shown once; kept in admin-token): "
                + Files.readString(loud.resolve("admin-token")).strip())
                .contains("Static SCEP challenge (shown once; kept in static-challenge): "
                        + Files.readString(loud.resolve("static-challenge")).strip());
    }

    private static String[] launcher(String... arguments) {
        List<String> command = new ArrayList<>(List.of(ScepterProcess.javaExecutable(), "-jar", ScepterProcess.launcherJar().toString()));
        command.addAll(List.of(arguments));
        return command.toArray(String[]::new);
    }

    private static Command.Result asNobody(Path dir, String... command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "nobody", "--"));
        full.addAll(List.of(command));
        return Command.run(dir, full.toArray(String[]::new));
    }

    /** H2's jar where nobody can read it (the test's own copy may sit under root's home). */
    private static Path h2JarReadableByAll(Path dir) throws Exception {
        Path jar = Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path shared = Files.createDirectory(dir.resolve("h2"));
        Path copy = Files.copy(jar, shared.resolve("h2.jar"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        for (Path folder = dir; folder.getParent() != null; folder = folder.getParent()) {
            if (folder.startsWith(System.getProperty("java.io.tmpdir")) && !folder.equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return copy;
    }
}
