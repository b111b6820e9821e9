package dev.scepter.installer.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevokedCertificate;
import dev.scepter.authority.store.Storage;
import dev.scepter.azure.sim.AzuriteServer;
import dev.scepter.installer.StorageFactory;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An installation that kept its certificates in the embedded H2 database, then pointed at Azure
 * Table Storage (a real Azurite), as an upgrade of an Azure installation does: its certificates and
 * revocations are copied into the table once, checked there, and the H2 file stays as a backup.
 */
class EmbeddedToTableStorageTest {

    private static final String ISSUER = "CN=Scepter-Root-CA-V1,O=Scepter";
    private static final String EARLIER_ISSUER = "CN=Earlier Root,O=Scepter";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** With its owner, which self-service asks: the copy keeps it. */
    private static final EmbeddedDirectory.Entry DEVICE = new EmbeddedDirectory.Entry(DirectoryObjectType.DEVICE, UUID.randomUUID(), true,
            Optional.of("laptop-1"), Optional.empty(), Optional.of(UUID.randomUUID()));
    private static final Revocation KEY_COMPROMISE = new Revocation(1, NOW, "admin");

    @TempDir
    Path parent;

    @Test
    void aCopyInterruptedBeforeARevocationIsCompletedAndARunAfterTheMarkerCopiesNothing() throws Exception {
        Path dataDir = parent.resolve("data");
        ScepterSettings embedded = settings(Map.of());
        try (Storage h2 = StorageFactory.open(dataDir, embedded)) {
            install(dataDir, embedded, h2);
            h2.certificateStore().record(certificate(ISSUER, 1));
            h2.certificateStore().record(certificate(ISSUER, 2));
            h2.certificateStore().revoke(ISSUER, BigInteger.TWO, KEY_COMPROMISE);
            h2.certificateStore().record(certificate(EARLIER_ISSUER, 3));
            h2.embeddedDirectory().put(DEVICE);
            setIssuedAt(h2, ISSUER, BigInteger.ONE, RECORDED_LONG_AGO);
        }

        try (AzuriteServer azurite = AzuriteServer.startInMemory(parent.resolve("azurite"))) {
            ScepterSettings tables = settings(Map.of("AppConfig:CertificateStorage:ConnectionString", azurite.connectionString()));
            try (Storage table = StorageFactory.open(dataDir, tables)) {
                CertificateStore store = table.certificateStore();
                ((dev.scepter.azure.tables.TableStorage) table).createTablesIfMissing();
                // What an interrupted earlier copy left: certificate 2 there, recorded before it was revoked in H2.
                store.record(certificate(ISSUER, 2));

                String output = install(dataDir, tables, table);

                assertThat(output).contains("Copy the 3 certificates of the embedded database scepter.mv.db (with their revocations "
                        + "and when they were recorded, and the embedded directory's devices and users) into Azure Table Storage", "Done: Copy the 3 certificates").doesNotContain(AzuriteServer.ACCOUNT_KEY);
                assertThat(store.find(ISSUER, BigInteger.ONE)).get().satisfies(copied -> {
                    assertThat(copied.subject()).isEqualTo("CN=device-1");
                    assertThat(copied.revocation()).isEmpty();
                    assertThat(copied.der()).isEqualTo(new byte[] {1, 1});
                });
                assertThat(store.find(EARLIER_ISSUER, BigInteger.valueOf(3))).isPresent();
                // Recorded when H2 recorded it, not at the copy: the search's order and the serial feed go by it.
                assertThat(recordedAt((dev.scepter.azure.tables.TableStorage) table, "1")).isEqualTo(RECORDED_LONG_AGO);
                java.util.List<BigInteger> recordedLater = new java.util.ArrayList<>();
                store.forEachSerialRecordedSince(ISSUER, RECORDED_LONG_AGO.plusSeconds(1), recordedLater::add);
                assertThat(recordedLater).doesNotContain(BigInteger.ONE);
                assertThat(store.revocations(ISSUER)).containsExactly(new RevokedCertificate(BigInteger.TWO, KEY_COMPROMISE));
                assertThat(store.count()).isEqualTo(3);
                assertThat(table.embeddedDirectory().get(DirectoryObjectType.DEVICE, DEVICE.objectId())).contains(DEVICE);
                assertThat(Files.readString(dataDir.resolve(EmbeddedToTableStorage.MARKER)))
                        .contains("3 in the embedded database, 2 copied, 1 already there, 1 revocations added; all 3 checked in Table Storage; "
                                + "1 devices and users of the embedded directory");
                assertThat(dataDir.resolve("scepter.mv.db")).as("the embedded database, kept as a backup").exists();

                assertThat(install(dataDir, tables, table)).as("a second run").doesNotContain("Copy the");
                assertThat(store.count()).isEqualTo(3);
            }
        }
    }

    @Test
    void manyCertificatesAreCopiedInTransactionsAndADirectoryWithoutCertificatesIsCopiedToo() throws Exception {
        Path dataDir = parent.resolve("data");
        Path onlyDirectory = parent.resolve("only-directory");
        ScepterSettings embedded = settings(Map.of());
        try (Storage h2 = StorageFactory.open(dataDir, embedded)) {
            install(dataDir, embedded, h2);
            for (int serial = 1; serial <= 250; serial++) {
                h2.certificateStore().record(certificate(ISSUER, serial));
            }
            h2.certificateStore().revoke(ISSUER, BigInteger.valueOf(201), KEY_COMPROMISE);
        }
        try (Storage h2 = StorageFactory.open(onlyDirectory, embedded)) {
            install(onlyDirectory, embedded, h2);
            h2.embeddedDirectory().put(DEVICE);
        }

        try (AzuriteServer azurite = AzuriteServer.startInMemory(parent.resolve("azurite"))) {
            ScepterSettings tables = settings(Map.of("AppConfig:CertificateStorage:ConnectionString", azurite.connectionString()));
            try (Storage table = StorageFactory.open(dataDir, tables)) {
                ((dev.scepter.azure.tables.TableStorage) table).createTablesIfMissing();
                // 120 copied by an earlier run that stopped: the rest in transactions of up to 100.
                for (int serial = 1; serial <= 120; serial++) {
                    table.certificateStore().record(certificate(ISSUER, serial));
                }

                long started = System.nanoTime();
                String output = install(dataDir, tables, table);
                long millis = (System.nanoTime() - started) / 1_000_000;

                assertThat(output).contains("Done: Copy the 250 certificates");
                assertThat(table.certificateStore().count()).isEqualTo(250);
                assertThat(table.certificateStore().find(ISSUER, BigInteger.valueOf(250))).get()
                        .satisfies(copied -> assertThat(copied.der()).isEqualTo(new byte[] {1, (byte) 250}));
                assertThat(table.certificateStore().revocations(ISSUER)).containsExactly(new RevokedCertificate(BigInteger.valueOf(201), KEY_COMPROMISE));
                assertThat(Files.readString(dataDir.resolve(EmbeddedToTableStorage.MARKER)))
                        .contains("250 in the embedded database, 130 copied, 120 already there, 0 revocations added; all 250 checked");
                System.out.println("copied 130 of 250 certificates in " + millis + " ms");

                // An embedded database with devices and users but no certificate: they are copied all the same.
                String directoryOnly = install(onlyDirectory, tables, table);
                assertThat(directoryOnly).contains("Done: Copy the embedded directory's devices and users of the embedded database scepter.mv.db "
                        + "(it holds no certificates) into Azure Table Storage");
                assertThat(table.embeddedDirectory().get(DirectoryObjectType.DEVICE, DEVICE.objectId())).contains(DEVICE);
                assertThat(onlyDirectory.resolve(EmbeddedToTableStorage.MARKER)).exists();
                assertThat(install(onlyDirectory, tables, table)).doesNotContain("Copy the");
            }
        }
    }

    @Test
    void aStartWaitsWhileAnotherProcessHoldsTheEmbeddedDatabaseAndThenCopies() throws Exception {
        Path dataDir = parent.resolve("data");
        ScepterSettings embedded = settings(Map.of());
        try (Storage h2 = StorageFactory.open(dataDir, embedded)) {
            install(dataDir, embedded, h2);
            h2.certificateStore().record(certificate(ISSUER, 1));
        }
        // Another process (an App Service instance sharing /home, in production) holds the database open.
        String h2Jar = Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", h2Jar,
                "org.h2.tools.Shell", "-url", "jdbc:h2:file:" + dataDir.resolve("scepter"), "-user", "sa",
                "-password", Files.readString(dataDir.resolve("database-password")).strip())
                .redirectErrorStream(true).redirectOutput(parent.resolve("shell.log").toFile()).start();
        try (AzuriteServer azurite = AzuriteServer.startInMemory(parent.resolve("azurite"))) {
            // Its answer to a query says it has the database open (and locked).
            other.getOutputStream().write("select 424242;\n".getBytes(StandardCharsets.UTF_8));
            other.getOutputStream().flush();
            Path log = parent.resolve("shell.log");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(Files.exists(log) && Files.readString(log).contains("424242")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).as("the other process, connected").contains("424242");
            ScepterSettings tables = settings(Map.of("AppConfig:CertificateStorage:ConnectionString", azurite.connectionString()));
            try (Storage table = StorageFactory.open(dataDir, tables)) {
                ((dev.scepter.azure.tables.TableStorage) table).createTablesIfMissing();
                var started = new java.util.concurrent.CompletableFuture<String>();
                Thread start = new Thread(() -> {
                    try {
                        started.complete(install(dataDir, tables, table));
                    } catch (Throwable e) {
                        started.completeExceptionally(e);
                    }
                });
                start.start();
                Thread.sleep(5_000);
                assertThat(started).as("a start while the other process holds the database").isNotDone();

                other.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
                other.getOutputStream().flush();
                assertThat(other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

                assertThat(started.get(120, java.util.concurrent.TimeUnit.SECONDS)).contains("Done: Copy the 1 certificates");
                assertThat(table.certificateStore().find(ISSUER, BigInteger.ONE)).isPresent();
            }
        } finally {
            other.destroy();
        }
    }

    private static final Instant RECORDED_LONG_AGO = Instant.parse("2024-03-01T08:00:00Z");

    /** Sets when H2 recorded a certificate (its clock at the insert otherwise). */
    private static void setIssuedAt(Storage h2, String issuer, BigInteger serial, Instant issuedAt) throws Exception {
        try (var connection = ((dev.scepter.store.jdbc.JdbcStorage) h2).dataSource().getConnection();
                var statement = connection.prepareStatement("update issued_certificate set issued_at = ? where issuer = ? and serial_number = ?")) {
            statement.setObject(1, issuedAt.atOffset(java.time.ZoneOffset.UTC));
            statement.setString(2, issuer);
            statement.setString(3, serial.toString(16).toUpperCase(java.util.Locale.ROOT));
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    private static Instant recordedAt(dev.scepter.azure.tables.TableStorage table, String rowKey) {
        Object value = table.entities("Certificates").stream().filter(entity -> rowKey.equals(entity.get("RowKey"))).findFirst()
                .orElseThrow().get("RecordedAt");
        return value instanceof java.time.OffsetDateTime time ? time.toInstant() : Instant.parse(value.toString());
    }

    private static IssuedCertificate certificate(String issuer, int serial) {
        return new IssuedCertificate(BigInteger.valueOf(serial), issuer, "CN=device-" + serial, List.of("dns:device-" + serial + ".example"),
                NOW.minus(1, ChronoUnit.DAYS), NOW.plus(300, ChronoUnit.DAYS), "static", "challenge", Optional.of("tx-" + serial),
                Optional.empty(), Optional.empty(), new byte[] {1, (byte) serial});
    }

    private static ScepterSettings settings(Map<String, String> extra) throws Exception {
        Map<String, String> values = new java.util.HashMap<>(Map.of("AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "2048"));
        values.putAll(extra);
        return ScepterSettings.bind(RawSettings.of(values));
    }

    private static String install(Path dataDir, ScepterSettings settings, Storage storage) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LocalInstallation(dataDir, settings, () -> storage, Clock.systemUTC(), new SecureRandom(),
                new PrintStream(out, true, StandardCharsets.UTF_8)).complete(false);
        return out.toString(StandardCharsets.UTF_8);
    }
}
