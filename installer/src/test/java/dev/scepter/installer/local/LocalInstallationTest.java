package dev.scepter.installer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.KeyCustodyFactory;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.Pkcs12KeyCustody;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalInstallationTest {

    @TempDir
    Path parent;

    private final List<JdbcStorage> opened = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    /** Whether the installation runs as on a terminal, where it shows a new secret once. */
    private boolean terminal;

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStorage::close);
    }

    private ScepterSettings settings(Map<String, String> values) throws Exception {
        return ScepterSettings.bind(RawSettings.of(values));
    }

    private static final Map<String, String> SMALL_CA = Map.of(
            "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "2048",
            "AppConfig:KeyVaultConfig:RootCertificateConfig:Subject", "CN=Test Root,O=Example");

    private LocalInstallation installation(Path dataDir, ScepterSettings settings) {
        output.reset();
        Supplier<JdbcStorage> storage = () -> {
            JdbcStorage store = JdbcStorage.embedded(dataDir);
            opened.add(store);
            return store;
        };
        return new LocalInstallation(dataDir, settings, storage, Clock.systemUTC(), new SecureRandom(),
                new PrintStream(output, true, StandardCharsets.UTF_8), terminal);
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFirstRunCreatesEverythingAndASecondRunChangesNothing() throws Exception {
        Path dataDir = parent.resolve("data");
        ScepterSettings settings = settings(SMALL_CA);

        assertThat(installation(dataDir, settings).complete(false)).isTrue();
        assertThat(printed()).contains("Create the root CA \"CN=Test Root,O=Example\" (RSA 2048, 3650 days)", "Done:");
        for (String file : List.of("ca.p12", "ca.p12.password", "appsettings.json", "static-challenge", "admin-token", "scepter.mv.db")) {
            assertThat(dataDir.resolve(file)).as(file).exists();
        }
        for (String secret : List.of("ca.p12", "ca.p12.password", "static-challenge", "admin-token")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(secret)))).as(secret).isEqualTo("rw-------");
        }
        String token = Files.readString(dataDir.resolve("admin-token")).strip();
        // Without a terminal the output ends in a log: it names the files, never the values.
        assertThat(printed()).doesNotContain(token).doesNotContain(Files.readString(dataDir.resolve("static-challenge")).strip())
                .contains("Admin API token: kept in " + dataDir.toAbsolutePath().resolve("admin-token"),
                        "Static SCEP challenge: kept in " + dataDir.toAbsolutePath().resolve("static-challenge"));
        byte[] caBefore = Files.readAllBytes(dataDir.resolve("ca.p12"));
        closeStores();
        opened.clear();

        assertThat(installation(dataDir, settings).complete(false)).isFalse();
        assertThat(printed()).endsWith("No changes.\n").doesNotContain(token);
        assertThat(Files.readAllBytes(dataDir.resolve("ca.p12"))).isEqualTo(caBefore);
    }

    @Test
    void onATerminalANewSecretIsShownOnce() throws Exception {
        Path dataDir = parent.resolve("data");
        terminal = true;
        installation(dataDir, settings(SMALL_CA)).complete(false);

        String token = Files.readString(dataDir.resolve("admin-token")).strip();
        String challenge = Files.readString(dataDir.resolve("static-challenge")).strip();
        assertThat(printed()).contains("Admin API token (shown once; kept in admin-token): " + token,
                "Static SCEP challenge (shown once; kept in static-challenge): " + challenge);
        closeStores();
        opened.clear();

        installation(dataDir, settings(SMALL_CA)).complete(false);
        assertThat(printed()).doesNotContain(token).doesNotContain(challenge);
    }

    @Test
    void everyFileOfTheDataFolderIsItsOwnersOnly() throws Exception {
        Path dataDir = parent.resolve("data");
        installation(dataDir, settings(SMALL_CA)).complete(false);

        assertThat(modeOf(dataDir)).isEqualTo("rwx------");
        try (var files = Files.list(dataDir)) {
            for (Path file : files.toList()) {
                assertThat(modeOf(file)).as(file.getFileName().toString()).isEqualTo("rw-------");
            }
        }
        assertThat(dataDir.resolve("database-password")).isRegularFile();
    }

    @Test
    void aFolderWithWiderModesIsRepairedAndThePlanSaysWhatChanged() throws Exception {
        Path dataDir = parent.resolve("data");
        installation(dataDir, settings(SMALL_CA)).complete(false);
        closeStores();
        opened.clear();
        // As an earlier version, or a copy with a default umask, left it.
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dataDir.resolve("scepter.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dataDir.resolve("appsettings.json"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Path backups = Files.createDirectory(dataDir.resolve("backups"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(backups.resolve("old.json"), "{}");
        Files.setPosixFilePermissions(backups.resolve("old.json"), PosixFilePermissions.fromString("rw-r--r--"));
        Path elsewhere = Files.writeString(parent.resolve("shared.txt"), "not the data folder's");
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(dataDir.resolve("link"), elsewhere);

        assertThat(installation(dataDir, settings(SMALL_CA)).complete(true)).isTrue();
        assertThat(printed()).contains("Make the data folder its owner's only (folders 0700, files 0600): ",
                "the data folder rwxr-xr-x -> rwx------", "scepter.mv.db rw-r--r-- -> rw-------", "appsettings.json rw-rw-rw- -> rw-------",
                "backups rwxr-xr-x -> rwx------", "backups/old.json rw-r--r-- -> rw-------").doesNotContain("link", "shared.txt");
        assertThat(modeOf(dataDir)).as("--what-if changed nothing").isEqualTo("rwxr-xr-x");

        installation(dataDir, settings(SMALL_CA)).complete(false);
        assertThat(printed()).contains("Done: Make the data folder its owner's only");
        assertThat(modeOf(dataDir)).isEqualTo("rwx------");
        assertThat(modeOf(dataDir.resolve("scepter.mv.db"))).isEqualTo("rw-------");
        assertThat(modeOf(dataDir.resolve("appsettings.json"))).isEqualTo("rw-------");
        assertThat(modeOf(backups)).isEqualTo("rwx------");
        assertThat(modeOf(backups.resolve("old.json"))).isEqualTo("rw-------");
        assertThat(modeOf(elsewhere)).as("a link's target is not the data folder's").isEqualTo("rw-r--r--");

        assertThat(installation(dataDir, settings(SMALL_CA)).complete(false)).isFalse();
    }

    @Test
    void anEmbeddedDatabaseWithoutAPasswordGetsOneAndKeepsItsData() throws Exception {
        Path dataDir = parent.resolve("data");
        installation(dataDir, settings(SMALL_CA)).complete(false);
        String adminToken = Files.readString(dataDir.resolve("admin-token")).strip();
        closeStores();
        opened.clear();
        // An earlier version's database: user sa with the empty password, and no password file.
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("scepter") + ";IFEXISTS=TRUE";
        String password = Files.readString(dataDir.resolve("database-password")).strip();
        try (var connection = java.sql.DriverManager.getConnection(url, "sa", password); var statement = connection.createStatement()) {
            statement.execute("ALTER USER SA SET PASSWORD ''");
        }
        Files.delete(dataDir.resolve("database-password"));
        assertThatThrownBy(() -> JdbcStorage.embedded(dataDir)).hasMessageContaining("run complete-installation");

        installation(dataDir, settings(SMALL_CA)).complete(true);
        assertThat(printed()).contains("Give the embedded database a password (it has none), generated into database-password");
        assertThat(dataDir.resolve("database-password")).doesNotExist();

        installation(dataDir, settings(SMALL_CA)).complete(false);
        assertThat(printed()).contains("Done: Give the embedded database a password");
        assertThat(modeOf(dataDir.resolve("database-password"))).isEqualTo("rw-------");
        assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "sa", "").close())
                .as("the empty password is refused").isInstanceOf(java.sql.SQLException.class);
        assertThat(new ApiTokens(opened.get(0).apiTokenStore(), opened.get(0).auditLog(), Clock.systemUTC(), new SecureRandom())
                .authenticate(adminToken)).as("the data is kept").isPresent();
        assertThat(installation(dataDir, settings(SMALL_CA)).complete(false)).isFalse();
    }

    @Test
    void aPasswordChangeInterruptedBeforeItsFileWasKeptIsCompletedByTheNextRun() throws Exception {
        Path dataDir = parent.resolve("data");
        installation(dataDir, settings(SMALL_CA)).complete(false);
        closeStores();
        opened.clear();
        // A run that set the database's new password, then died before renaming database-password.new.
        Files.move(dataDir.resolve("database-password"), dataDir.resolve("database-password.new"));

        assertThat(installation(dataDir, settings(SMALL_CA)).complete(false)).isTrue();
        assertThat(printed()).contains("Done: Give the embedded database a password");
        assertThat(dataDir.resolve("database-password")).isRegularFile();
        assertThat(dataDir.resolve("database-password.new")).doesNotExist();
        closeStores();
        opened.clear();
        assertThat(installation(dataDir, settings(SMALL_CA)).complete(false)).isFalse();
    }

    private static String modeOf(Path path) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theRootCaIsACaWithTheConfiguredSubject() throws Exception {
        Path dataDir = parent.resolve("data");
        installation(dataDir, settings(SMALL_CA)).complete(false);

        X509CertificateHolder ca = Pkcs12KeyCustody.open(new DataFolder(dataDir)).ca().certificate();
        assertThat(ca.getSubject().toString()).isEqualTo("CN=Test Root,O=Example");
        assertThat(ca.getIssuer()).isEqualTo(ca.getSubject());
        assertThat(BasicConstraints.fromExtensions(ca.getExtensions()).isCA()).isTrue();
        assertThat(ca.getExtension(Extension.basicConstraints).isCritical()).isTrue();
        assertThat(KeyUsage.fromExtensions(ca.getExtensions()).hasUsages(KeyUsage.keyCertSign | KeyUsage.cRLSign)).isTrue();
        assertThat(SubjectKeyIdentifier.fromExtensions(ca.getExtensions())).isNotNull();
        long days = java.time.Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()).toDays();
        assertThat(days).isBetween(3650L, 3651L);
    }

    @Test
    void whatIfPrintsThePlanAndChangesNothing() throws Exception {
        Path dataDir = parent.resolve("data");
        assertThat(installation(dataDir, settings(SMALL_CA)).complete(true)).isTrue();
        assertThat(printed()).contains("--what-if", "Create the data folder", "Create the root CA", "Create the admin API token");
        assertThat(dataDir).doesNotExist();
        assertThat(opened).isEmpty();
    }

    @Test
    void aConfiguredStaticChallengeNeedsNoFile() throws Exception {
        Path dataDir = parent.resolve("data");
        Map<String, String> values = new java.util.HashMap<>(SMALL_CA);
        values.put("AppConfig:StaticValidation:RequestPassword", "from-settings");
        installation(dataDir, settings(values)).complete(false);
        assertThat(dataDir.resolve("static-challenge")).doesNotExist();
    }

    @Test
    void aRunThatLostPiecesRestoresOnlyThose() throws Exception {
        Path dataDir = parent.resolve("data");
        ScepterSettings settings = settings(SMALL_CA);
        installation(dataDir, settings).complete(false);
        String token = Files.readString(dataDir.resolve("admin-token")).strip();
        closeStores();
        opened.clear();
        Files.delete(dataDir.resolve("static-challenge"));
        Files.delete(dataDir.resolve("scepter.mv.db"));

        installation(dataDir, settings).complete(false);

        assertThat(printed()).contains("1. Create the embedded database scepter.mv.db", "2. Create the static SCEP challenge",
                        "3. Register the admin API token", "4. Register Certificate Master's API credential")
                .doesNotContain("root CA").doesNotContain("5.");
        JdbcStorage store = JdbcStorage.embedded(dataDir);
        opened.add(store);
        ApiTokens tokens = new ApiTokens(store.apiTokenStore(), store.auditLog(), Clock.systemUTC(), new SecureRandom());
        assertThat(tokens.authenticate(token)).hasValueSatisfying(t -> assertThat(t.roles()).containsExactlyInAnyOrder(ApiRole.values()));
    }

    @Test
    void aKeyStoreWithoutItsPasswordIsNotReplacedByANewCa() throws Exception {
        Path dataDir = parent.resolve("data");
        ScepterSettings settings = settings(SMALL_CA);
        installation(dataDir, settings).complete(false);
        closeStores();
        opened.clear();
        Files.delete(dataDir.resolve("ca.p12.password"));

        assertThatThrownBy(() -> installation(dataDir, settings).complete(false))
                .isInstanceOf(InstallationException.class).hasMessageContaining("ca.p12.password").hasMessageContaining("backup");
    }

    @Test
    void certificateMasterGetsItsOwnCredentialWithOnlyTheRolesItNeeds() throws Exception {
        Path dataDir = parent.resolve("data");
        installation(dataDir, settings(SMALL_CA)).complete(false);
        CertMasterClient client = CertMasterClient.read(dataDir.resolve("certmaster-client.json"));
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("certmaster-client.json")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(printed()).doesNotContain(client.token());
        closeStores();
        opened.clear();

        JdbcStorage store = JdbcStorage.embedded(dataDir);
        opened.add(store);
        ApiTokens tokens = new ApiTokens(store.apiTokenStore(), store.auditLog(), Clock.systemUTC(), new SecureRandom());
        assertThat(tokens.authenticate(client.token())).hasValueSatisfying(t -> {
            assertThat(t.name()).isEqualTo(client.name()).startsWith("certmaster-");
            assertThat(t.roles()).containsExactlyInAnyOrder(ApiRole.CSR_REQUEST, ApiRole.MANAGE_ALL);
        });
        // Someone widened it by hand: the next run narrows it again.
        tokens.revoke("test", client.name());
        tokens.register("test", client.name(), client.token(), java.util.EnumSet.allOf(ApiRole.class));
        closeStores();
        opened.clear();

        installation(dataDir, settings(SMALL_CA)).complete(false);
        assertThat(printed()).contains("Give Certificate Master's API credential exactly the roles CSR.Request, Manage.All");
        JdbcStorage again = JdbcStorage.embedded(dataDir);
        opened.add(again);
        assertThat(new ApiTokens(again.apiTokenStore(), again.auditLog(), Clock.systemUTC(), new SecureRandom()).authenticate(client.token()))
                .hasValueSatisfying(t -> assertThat(t.roles()).containsExactlyInAnyOrder(ApiRole.CSR_REQUEST, ApiRole.MANAGE_ALL));
    }

    private static Path oneXFolder(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        Map<String, String> oneX = new java.util.LinkedHashMap<>();
        oneX.put("AppConfig:AuthConfig:ApplicationId", "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11");
        oneX.put("appconfig:authconfig:applicationkey", "the-1x-secret");
        oneX.put("BackUp:AppConfig:AuthConfig:ApplicationId", "11111111-2222-3333-4444-555555555555");
        oneX.put("AppConfig:ValidityPeriodDays", "365");
        dev.scepter.settings.AppSettingsFile.write(dataDir.resolve("appsettings.json"), oneX);
        return dataDir;
    }

    @Test
    void outsideAzureAOneXFolderKeepsTheApplicationKeyItSignsInWithAndSaysSo() throws Exception {
        Path dataDir = oneXFolder(parent.resolve("data"));
        Map<String, String> before = dev.scepter.settings.AppSettingsFile.read(dataDir.resolve("appsettings.json"));

        installation(dataDir, settings(SMALL_CA)).complete(false);

        assertThat(dev.scepter.settings.AppSettingsFile.read(dataDir.resolve("appsettings.json"))).isEqualTo(before);
        assertThat(printed()).contains("Keeping AppConfig:AuthConfig:ApplicationId and AppConfig:AuthConfig:ApplicationKey (1.x): "
                + "this instance signs in to Microsoft's cloud with them, and there is no managed identity here to switch to")
                .doesNotContain("remove AppConfig:AuthConfig:ApplicationKey").doesNotContain("the-1x-secret");
        closeStores();
        opened.clear();
        assertThat(installation(dataDir, settings(SMALL_CA)).plan()).as("nothing for serve to do at each start").isEmpty();
    }

    @Test
    void aOneXFolderHasItsApplicationKeyAndIdMovedToBackupsOnceWhenAnAppRegistrationOfOurOwnSignsIn() throws Exception {
        Path dataDir = oneXFolder(parent.resolve("data"));
        Map<String, String> values = new java.util.HashMap<>(SMALL_CA);
        values.putAll(Map.of("AppConfig:AuthConfig:TenantId", "6f1c5b1e-8a4e-4c1a-9d61-0c1e2b3a4d5f",
                "AppConfig:AuthConfig:SignInApplicationId", "3c2b1a09-8f7e-4d6c-9b5a-493827161504",
                "AppConfig:AuthConfig:SignInCertificateFile", "/etc/scepter/signin.pem"));

        installation(dataDir, settings(values)).complete(false);

        Map<String, String> after = dev.scepter.settings.AppSettingsFile.read(dataDir.resolve("appsettings.json"));
        assertThat(after).containsEntry("Backup:AppConfig:AuthConfig:ApplicationKey", "the-1x-secret")
                .containsEntry("BackUp:AppConfig:AuthConfig:ApplicationId", "11111111-2222-3333-4444-555555555555")
                .containsEntry("AppConfig:ValidityPeriodDays", "365")
                .doesNotContainKeys("AppConfig:AuthConfig:ApplicationId", "appconfig:authconfig:applicationkey");
        assertThat(printed()).contains("back up AppConfig:AuthConfig:ApplicationKey as Backup:AppConfig:AuthConfig:ApplicationKey",
                "replaced by the app registration AppConfig:AuthConfig:SignInApplicationId").doesNotContain("the-1x-secret");
        closeStores();
        opened.clear();

        installation(dataDir, settings(values)).complete(false);
        assertThat(printed()).endsWith("No changes.\n");
    }

    @Test
    void onAppServiceWithItsManagedIdentitySwitchedOnTheOneXKeyMovesToItsBackup() throws Exception {
        Path dataDir = oneXFolder(parent.resolve("data"));
        Map<String, String> values = new java.util.HashMap<>(SMALL_CA);
        values.putAll(Map.of("IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token/", "IDENTITY_HEADER", "h",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "1764000000"));

        installation(dataDir, settings(values)).complete(false);

        assertThat(dev.scepter.settings.AppSettingsFile.read(dataDir.resolve("appsettings.json")))
                .containsEntry("Backup:AppConfig:AuthConfig:ApplicationKey", "the-1x-secret")
                .doesNotContainKeys("appconfig:authconfig:applicationkey");
        assertThat(printed()).contains("replaced by App Service's managed identity");
    }

    @Test
    void anOlderSchemaIsMigratedByTheRunNotByWhatIfAndTheTokensAreCheckedAfterwards() throws Exception {
        Path dataDir = Files.createDirectories(parent.resolve("data"));
        // A database an earlier version left: its schema stops at V3, and it holds no token yet.
        org.flywaydb.core.Flyway.configure().dataSource("jdbc:h2:file:" + dataDir.resolve("scepter") + ";AUTO_SERVER=TRUE", "sa", "")
                .locations("classpath:db/migration").target("3").load().migrate();

        installation(dataDir, settings(SMALL_CA)).complete(true);
        assertThat(printed()).contains("Migrate the database schema (V4 request digest, V5 directory security identifier, V6 expiry index, V7 Thumbprint, V8 acme state, V9 acme account profile, V10 directory device owner)",
                "Once the database is ready, the API tokens in it are checked too.");
        assertThat(dev.scepter.store.jdbc.JdbcStorage.inspectEmbedded(dataDir).pendingMigrations()).as("--what-if migrated nothing")
                .containsExactly("V4 request digest", "V5 directory security identifier", "V6 expiry index", "V7 Thumbprint", "V8 acme state", "V9 acme account profile", "V10 directory device owner");

        installation(dataDir, settings(SMALL_CA)).complete(false);
        assertThat(printed()).contains("Done: Migrate the database schema (V4 request digest, V5 directory security identifier, V6 expiry index, V7 Thumbprint, V8 acme state, V9 acme account profile, V10 directory device owner)", "Done: Create the admin API token");
        assertThat(dev.scepter.store.jdbc.JdbcStorage.inspectEmbedded(dataDir).pendingMigrations()).isEmpty();
        closeStores();
        opened.clear();

        installation(dataDir, settings(SMALL_CA)).complete(false);
        assertThat(printed()).endsWith("No changes.\n");
    }

    @Test
    void anEcCaGetsAnRsaScepRaIssuedByItAndARunAfterThatChangesNothing() throws Exception {
        Path dataDir = parent.resolve("ec");
        ScepterSettings settings = settings(Map.of("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "EC",
                "AppConfig:KeyVaultConfig:RootCertificateConfig:Subject", "CN=EC Root,O=Example"));

        assertThat(installation(dataDir, settings).complete(false)).isTrue();
        assertThat(printed()).contains("Create the root CA \"CN=EC Root,O=Example\" (EC P-256, 3650 days)",
                "Create the SCEP RA certificate (RSA 2048");
        KeyCustody custody = Pkcs12KeyCustody.open(new DataFolder(dataDir));
        dev.scepter.authority.ca.CaSigner ca = custody.ca();
        assertThat(ca.certificate().getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.2.1");
        X509CertificateHolder raCert = custody.scepKey().raCertificate().orElseThrow();
        assertThat(raCert.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.113549.1.1.1");
        assertThat(raCert.getIssuer()).isEqualTo(ca.certificate().getSubject());
        assertThat(raCert.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(ca.certificate())))
                .isTrue();
        assertThat(BasicConstraints.fromExtensions(raCert.getExtensions()).isCA()).isFalse();
        assertThat(KeyUsage.fromExtensions(raCert.getExtensions()).hasUsages(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("ra.p12")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("ra.p12.password")))).isEqualTo("rw-------");

        assertThat(installation(dataDir, settings).complete(false)).isFalse();
        assertThat(printed()).contains("No changes.");

        // A lost RA is made again from the CA that is there; an RSA CA never gets one.
        Files.delete(dataDir.resolve("ra.p12"));
        assertThat(installation(dataDir, settings).complete(false)).isTrue();
        assertThat(dataDir.resolve("ra.p12")).exists();
        Path rsaDir = parent.resolve("rsa");
        installation(rsaDir, settings(SMALL_CA)).complete(false);
        assertThat(rsaDir.resolve("ra.p12")).doesNotExist();
    }

    @Test
    void aRevokedTokenIsNotRestoredFromItsFile() throws Exception {
        Path dataDir = parent.resolve("data");
        installation(dataDir, settings(SMALL_CA)).complete(false);
        String admin = Files.readString(dataDir.resolve("admin-token")).strip();
        CertMasterClient client = CertMasterClient.read(dataDir.resolve("certmaster-client.json"));
        closeStores();
        opened.clear();
        JdbcStorage store = JdbcStorage.embedded(dataDir);
        ApiTokens tokens = new ApiTokens(store.apiTokenStore(), store.auditLog(), Clock.systemUTC(), new SecureRandom());
        String adminName = tokens.authenticate(admin).orElseThrow().name();
        tokens.revoke("test", adminName);
        tokens.revoke("test", client.name());
        tokens.create("test", "someone-else", java.util.EnumSet.of(ApiRole.MANAGE_ALL), java.util.Optional.empty());
        store.close();

        installation(dataDir, settings(SMALL_CA)).complete(false);

        assertThat(printed()).contains("WARNING: admin-token holds a token the database does not know",
                "WARNING: certmaster-client.json holds a token the database does not know").endsWith("No changes.\n");
        JdbcStorage after = JdbcStorage.embedded(dataDir);
        opened.add(after);
        ApiTokens check = new ApiTokens(after.apiTokenStore(), after.auditLog(), Clock.systemUTC(), new SecureRandom());
        assertThat(check.authenticate(admin)).isEmpty();
        assertThat(check.authenticate(client.token())).isEmpty();
    }
}
