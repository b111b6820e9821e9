package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/scepter} as CONTRACT.md describes it: the first start completes the installation,
 * a second reuses it, {@code complete-installation} adds only what is missing, {@code token}
 * manages API tokens while the server runs, and a bad setting stops start-up naming it.
 */
@ExtendWith(PrintServerLogOnFailure.class)
class LauncherContractTest {

    private static Command.Result launcher(Path workDir, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(ScepterProcess.javaExecutable(), "-jar",
                ScepterProcess.launcherJar().toString()));
        command.addAll(List.of(arguments));
        return Command.run(workDir, command.toArray(String[]::new));
    }

    private static String sha1(byte[] der) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(der));
    }

    @Test
    void aSecondStartReusesTheCaAndSecretsAndNeitherPrintsASecret(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String firstCa;
        String challenge;
        String firstLog;
        try (ScepterProcess first = ScepterProcess.start(Map.of(), data, ScepterProcess.javaExecutable())) {
            firstCa = sha1(first.caCertificate().getEncoded());
            challenge = first.staticChallenge();
            firstLog = first.log();
        }
        String token = Files.readString(data.resolve("admin-token")).strip();
        // Without a terminal (a service's output ends in a log) the files are named, the values never printed.
        assertThat(firstLog).contains("Create the root CA", "Static SCEP challenge: kept in " + data.toAbsolutePath().resolve("static-challenge"),
                "Admin API token: kept in " + data.toAbsolutePath().resolve("admin-token"));
        assertThat(occurrences(firstLog, challenge)).as("the challenge is not printed").isZero();
        assertThat(occurrences(firstLog, token)).as("the admin token is not printed").isZero();

        try (ScepterProcess second = ScepterProcess.start(Map.of(), data, ScepterProcess.javaExecutable())) {
            assertThat(sha1(second.caCertificate().getEncoded())).isEqualTo(firstCa);
            assertThat(second.staticChallenge()).isEqualTo(challenge);
            assertThat(second.log()).doesNotContain("Create").doesNotContain(challenge).doesNotContain(token);
        }
    }

    @Test
    void noSecretReachesALogLineWhileEnrolling(@TempDir Path dir) throws Exception {
        try (ScepterProcess server = ScepterProcess.start()) {
            int mark = server.logMark();
            Scepclient.enroll(dir, server.url("scep"), server.staticChallenge(), "logged-device");
            Scepclient.enroll(Files.createDirectory(dir.resolve("wrong")), server.url("scep"), "wrong-" + server.staticChallenge(), "x");
            String log = server.logSince(mark);
            assertThat(log).contains("Issued a certificate with serial number").contains("logged-device");
            assertThat(log).doesNotContain(server.staticChallenge());
            assertThat(log).doesNotContain(Files.readString(server.dataDir().resolve("admin-token")).strip());
            assertThat(log).doesNotContain(Files.readString(server.dataDir().resolve("ca.p12.password")).strip());
        }
    }

    @Test
    void completeInstallationAddsOnlyWhatIsMissingAndWhatIfChangesNothing(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");

        Command.Result whatIf = launcher(dir, "complete-installation", "--data-dir", data.toString(), "--what-if");
        assertThat(whatIf.exitCode()).as(whatIf.toString()).isZero();
        assertThat(whatIf.stdout()).contains("--what-if", "Create the root CA");
        assertThat(data).doesNotExist();

        Command.Result first = launcher(dir, "complete-installation", "--data-dir", data.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).contains("Done: Create the root CA");

        Files.delete(data.resolve("static-challenge"));
        Command.Result repair = launcher(dir, "complete-installation", "--data-dir", data.toString(), "--verbose");
        assertThat(repair.exitCode()).as(repair.toString()).isZero();
        assertThat(repair.stdout()).contains("Found: ca.p12", "Missing: static-challenge", "1. Create the static SCEP challenge")
                .doesNotContain("  2. ");

        Command.Result again = launcher(dir, "complete-installation", "--data-dir", data.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).endsWith("No changes.\n");
    }

    @Test
    void aRunAfterServeFindsNothingToDoBecauseServeUsedTheSameCode(@TempDir Path dir) throws Exception {
        try (ScepterProcess server = ScepterProcess.start()) {
            Command.Result after = launcher(dir, "complete-installation", "--data-dir", server.dataDir().toString());
            assertThat(after.exitCode()).as(after.toString()).isZero();
            assertThat(after.stdout()).endsWith("No changes.\n");
            assertThat(server.dataDir().resolve("certmaster-client.json")).exists();
            Command.Result listed = launcher(dir, "token", "list", "--data-dir", server.dataDir().toString());
            assertThat(listed.stdout()).containsPattern("certmaster-[0-9a-f]{8}\tCSR.Request,Manage.All");
        }
    }

    @Test
    void aRunThatFailsHalfWayKeepsWhatItDidAndTheNextRunCompletesIt(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("appsettings.json"), "{\"AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize\": \"2048\"}");
        // Debris where the database's lock file goes (a restore that went wrong): the database cannot be created.
        Files.createDirectories(data.resolve("scepter.lock.db").resolve("debris"));

        Command.Result failed = launcher(dir, "complete-installation", "--data-dir", data.toString());
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.stderr()).contains("Failed: Create the embedded database", "run again").doesNotContain("\tat ");
        assertThat(failed.stdout()).contains("Done: Create the root CA").doesNotContain("Done: Create the static SCEP challenge");

        Files.delete(data.resolve("scepter.lock.db").resolve("debris"));
        Files.delete(data.resolve("scepter.lock.db"));
        Command.Result completed = launcher(dir, "complete-installation", "--data-dir", data.toString());
        assertThat(completed.exitCode()).as(completed.toString()).isZero();
        // H2 wrote a trace file with the process's umask while it failed to open: the run makes it private first.
        String plan = completed.stdout().replaceFirst("  1\\. Make the data folder its owner's only [^\\n]*scepter\\.trace\\.db[^\\n]*\\n", "")
                .replaceAll("  (\\d)\\. ", "  #. ");
        assertThat(plan).contains("#. Create the embedded database", "#. Create the static SCEP challenge",
                "#. Create the admin API token", "#. Create Certificate Master's API credential").doesNotContain("root CA");
        assertThat(plan.split("  #\\. ")).as(completed.stdout()).hasSize(5);

        assertThat(launcher(dir, "complete-installation", "--data-dir", data.toString()).stdout()).endsWith("No changes.\n");
    }

    @Test
    void aOneXDataFolderKeepsItsKeyUntilAnAppRegistrationReplacesItThenBacksItUpOnce(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("appsettings.json"), """
                {"AppConfig:AuthConfig:ApplicationId": "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11",
                 "AppConfig:AuthConfig:ApplicationKey": "one-x-secret",
                 "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize": "2048"}
                """, StandardCharsets.UTF_8);

        // Outside Azure the 1.x key is the only way to sign in: it stays, and the installer says so.
        Command.Result kept = launcher(dir, "complete-installation", "--data-dir", data.toString());
        assertThat(kept.exitCode()).as(kept.toString()).isZero();
        assertThat(kept.stdout()).contains("Keeping AppConfig:AuthConfig:ApplicationId and AppConfig:AuthConfig:ApplicationKey (1.x)")
                .doesNotContain("remove AppConfig:AuthConfig:ApplicationKey").doesNotContain("one-x-secret");
        assertThat(Files.readString(data.resolve("appsettings.json"))).contains("\"AppConfig:AuthConfig:ApplicationKey\"", "one-x-secret");

        // An app registration of our own signs in instead: now the key moves to its backup.
        String withApp = Files.readString(data.resolve("appsettings.json")).replaceFirst("\\{", """
                {"AppConfig:AuthConfig:TenantId": "6f1c5b1e-8a4e-4c1a-9d61-0c1e2b3a4d5f",
                 "AppConfig:AuthConfig:SignInApplicationId": "3c2b1a09-8f7e-4d6c-9b5a-493827161504",
                 "AppConfig:AuthConfig:SignInClientSecret": "app-secret",
                """);
        Files.writeString(data.resolve("appsettings.json"), withApp, StandardCharsets.UTF_8);
        Command.Result whatIf = launcher(dir, "complete-installation", "--data-dir", data.toString(), "--what-if");
        assertThat(whatIf.stdout()).contains("remove AppConfig:AuthConfig:ApplicationKey (1.x)").doesNotContain("one-x-secret");
        assertThat(Files.readString(data.resolve("appsettings.json"))).contains("\"AppConfig:AuthConfig:ApplicationKey\"");

        Command.Result upgrade = launcher(dir, "complete-installation", "--data-dir", data.toString());
        assertThat(upgrade.exitCode()).as(upgrade.toString()).isZero();
        assertThat(upgrade.stdout()).contains("Done: appsettings.json: back up AppConfig:AuthConfig:ApplicationId as Backup:AppConfig:AuthConfig:ApplicationId")
                .doesNotContain("one-x-secret").doesNotContain("app-secret");
        String settings = Files.readString(data.resolve("appsettings.json"));
        assertThat(settings).contains("\"Backup:AppConfig:AuthConfig:ApplicationKey\"", "one-x-secret", "KeySize")
                .doesNotContain("\"AppConfig:AuthConfig:ApplicationKey\"");

        Command.Result again = launcher(dir, "complete-installation", "--data-dir", data.toString());
        assertThat(again.stdout()).endsWith("No changes.\n");
    }

    @Test
    void tokensAreCreatedListedAndRevokedWhileTheServerRuns(@TempDir Path dir) throws Exception {
        try (ScepterProcess server = ScepterProcess.start()) {
            String data = server.dataDir().toString();

            Command.Result created = launcher(dir, "token", "create", "--data-dir", data, "--role", "Manage.All", "CSR.Request",
                    "--name", "ci", "--expires", "30");
            assertThat(created.exitCode()).as(created.toString()).isZero();
            String value = created.stdout().strip();
            assertThat(value).startsWith("sct_").doesNotContain("\n");

            Command.Result listed = launcher(dir, "token", "list", "--data-dir", data);
            assertThat(listed.stdout()).contains("ci\tCSR.Request,Manage.All").containsPattern("admin-[0-9a-f]{8}\t").doesNotContain(value);

            Command.Result revoked = launcher(dir, "token", "revoke", "--data-dir", data, "ci");
            assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
            assertThat(launcher(dir, "token", "list", "--data-dir", data).stdout()).doesNotContain("ci\t");
            assertThat(launcher(dir, "token", "revoke", "--data-dir", data, "ci").exitCode()).isEqualTo(1);

            Command.Result badRole = launcher(dir, "token", "create", "--data-dir", data, "--role", "Everything");
            assertThat(badRole.exitCode()).isEqualTo(2);
            assertThat(badRole.stderr()).contains("--role Everything", "Manage.All", "Challenge.Create");
        }
    }

    @Test
    void aBadSettingInAppsettingsJsonStopsStartUpNamingTheSettingAndTheFile(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("appsettings.json"), "{\"AppConfig:ValidityPeriodDays\": \"two years\"}", StandardCharsets.UTF_8);

        ScepterProcess.Refusal refusal = ScepterProcess.startExpectingRefusal(Map.of(), data);

        assertThat(refusal.exitCode()).isNotZero();
        assertThat(refusal.log()).contains("AppConfig:ValidityPeriodDays", "appsettings.json", "two years").doesNotContain("\tat ");
        assertThat(data.resolve("ca.p12")).as("nothing is created before the settings are right").doesNotExist();
    }

    @Test
    void helpDocumentsEveryCommand(@TempDir Path dir) {
        Command.Result help = launcher(dir, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("serve", "complete-installation", "token");
        Command.Result serveHelp = launcher(dir, "serve", "--help");
        assertThat(serveHelp.stdout()).contains("--data-dir", "--port", "--host", "--settings");
    }

    /** The launcher runs on each JDK these machines have: the build's 17 and Temurin's 25. */
    @Test
    void theLauncherRunsOnJdk25AndEnrolls(@TempDir Path dir) throws Exception {
        Path java25;
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            java25 = jdks.filter(p -> p.getFileName().toString().matches("(temurin|java)-25.*"))
                    .map(p -> p.resolve("bin/java")).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError("no JDK 25 under /usr/lib/jvm: machines of this kind have Temurin's"));
        }
        try (ScepterProcess server = ScepterProcess.start(Map.of(), Files.createDirectory(dir.resolve("data")), java25.toString())) {
            Path client = Files.createDirectory(dir.resolve("client"));
            Command.Result enrolled = Scepclient.enroll(client, server.url("scep"), server.staticChallenge(), "jdk25-device");
            IssuedCertificates.assertIssuedAndRecorded(server, client, Scepclient.certificate(client), "jdk25-device", enrolled);
        }
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

}
