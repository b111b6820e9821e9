package dev.scepter.installer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Storage;
import dev.scepter.azure.sim.AzuriteServer;
import dev.scepter.azure.tables.TableStorage;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.StorageFactory;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** complete-installation --target local on Azure Table Storage (a real Azurite): the tables made once, one CA for the nodes sharing them. */
class TableStorageInstallationTest {

    @TempDir
    Path parent;

    @Test
    void theTablesAreCreatedWhenMissingOnceAndANodeWithoutTheCaKeyGetsNoSecondCa() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.startInMemory(parent.resolve("azurite"))) {
            ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of(
                    "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "2048",
                    "AppConfig:CertificateStorage:ConnectionString", azurite.connectionString())));
            try (Storage storage = StorageFactory.open(parent.resolve("node-1"), settings)) {
                assertThat(storage).isInstanceOf(TableStorage.class);
                assertThat(storage.describe()).isEqualTo("Azure Table Storage at " + azurite.tableEndpoint());

                String first = install(parent.resolve("node-1"), settings, storage);
                assertThat(first).contains("Create the tables Certificates, ApiTokens, OneTimeChallenges, AuditLog, EmbeddedDirectory, Acme in "
                        + "Azure Table Storage at " + azurite.tableEndpoint()).doesNotContain(AzuriteServer.ACCOUNT_KEY);
                assertThat(((TableStorage) storage).missingTables()).isEmpty();
                assertThat(parent.resolve("node-1").resolve("scepter.mv.db")).doesNotExist();
                assertThat(install(parent.resolve("node-1"), settings, storage)).doesNotContain("Create the tables");

                storage.certificateStore().record(new IssuedCertificate(BigInteger.TEN, "CN=Scepter-Root-CA-V1,O=Scepter", "CN=d",
                        List.of(), Instant.now(), Instant.now(), "static", "test", Optional.empty(), Optional.empty(), Optional.empty(),
                        new byte[] {1}));
                assertThatThrownBy(() -> install(parent.resolve("node-2"), settings, storage))
                        .isInstanceOf(InstallationException.class)
                        .hasMessageStartingWith("The shared Azure Table Storage (AppConfig:CertificateStorage:ConnectionString) already holds certificates")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(AzuriteServer.ACCOUNT_KEY));
                assertThat(parent.resolve("node-2").resolve("ca.p12")).doesNotExist();
            }
        }
    }

    private static String install(Path dataDir, ScepterSettings settings, Storage storage) throws InstallationException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LocalInstallation(dataDir, settings, () -> storage, Clock.systemUTC(), new SecureRandom(),
                new PrintStream(out, true, StandardCharsets.UTF_8)).complete(false);
        return out.toString(StandardCharsets.UTF_8);
    }
}
