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
    private static final EmbeddedDirectory.Entry DEVICE = new EmbeddedDirectory.Entry(DirectoryObjectType.DEVICE, UUID.randomUUID(), true,
            Optional.of("laptop-1"), Optional.empty());
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
        }

        try (AzuriteServer azurite = AzuriteServer.startInMemory(parent.resolve("azurite"))) {
            ScepterSettings tables = settings(Map.of("AppConfig:CertificateStorage:ConnectionString", azurite.connectionString()));
            try (Storage table = StorageFactory.open(dataDir, tables)) {
                CertificateStore store = table.certificateStore();
                ((dev.scepter.azure.tables.TableStorage) table).createTablesIfMissing();
                // What an interrupted earlier copy left: certificate 2 there, recorded before it was revoked in H2.
                store.record(certificate(ISSUER, 2));

                String output = install(dataDir, tables, table);

                assertThat(output).contains("Copy the 3 certificates of the embedded database scepter.mv.db (with their revocations, "
                        + "and the embedded directory's devices and users) into Azure Table Storage", "Done: Copy the 3 certificates").doesNotContain(AzuriteServer.ACCOUNT_KEY);
                assertThat(store.find(ISSUER, BigInteger.ONE)).get().satisfies(copied -> {
                    assertThat(copied.subject()).isEqualTo("CN=device-1");
                    assertThat(copied.revocation()).isEmpty();
                    assertThat(copied.der()).isEqualTo(new byte[] {1, 1});
                });
                assertThat(store.find(EARLIER_ISSUER, BigInteger.valueOf(3))).isPresent();
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
