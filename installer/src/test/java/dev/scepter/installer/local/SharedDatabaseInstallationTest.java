package dev.scepter.installer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Storage;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.StorageFactory;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.store.jdbc.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes that share one PostgreSQL database share one CA. */
class SharedDatabaseInstallationTest {

    private static PostgresServer postgres;

    @TempDir
    Path parent;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void aNodeWithoutTheCaKeyIsNotGivenANewCaOverADatabaseThatHoldsCertificates() throws Exception {
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(Map.of(
                "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "2048",
                "AppConfig:Database:Url", postgres.jdbcUrl(),
                "AppConfig:Database:User", postgres.user(),
                "AppConfig:Database:Password", postgres.password())));
        try (Storage storage = StorageFactory.open(parent.resolve("node-1"), settings.store())) {
            install(parent.resolve("node-1"), settings, storage);
            assertThat(parent.resolve("node-1").resolve("scepter.mv.db")).doesNotExist();
            storage.certificateStore().record(new IssuedCertificate(BigInteger.TEN, "CN=Scepter-Root-CA-V1,O=Scepter", "CN=d",
                    List.of(), Instant.now(), Instant.now(), "static", "test", Optional.empty(), Optional.empty(), Optional.empty(),
                    new byte[] {1}));

            assertThatThrownBy(() -> install(parent.resolve("node-2"), settings, storage))
                    .isInstanceOf(InstallationException.class)
                    .hasMessageContaining("already holds certificates")
                    .hasMessageContaining("Copy ca.p12 and ca.p12.password")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(postgres.password()));
            assertThat(parent.resolve("node-2").resolve("ca.p12")).doesNotExist();
        }
    }

    private static void install(Path dataDir, ScepterSettings settings, Storage storage) throws InstallationException {
        new LocalInstallation(dataDir, settings, () -> storage, Clock.systemUTC(), new SecureRandom(),
                new PrintStream(new ByteArrayOutputStream(), true)).complete(false);
    }
}
