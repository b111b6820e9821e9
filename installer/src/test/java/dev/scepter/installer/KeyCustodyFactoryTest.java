package dev.scepter.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.azure.keyvault.KeyVaultAccess;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.sim.KeyVaultSimulator;
import dev.scepter.azure.sim.SimServer;
import dev.scepter.azure.sim.SimTls;
import dev.scepter.azure.sim.SimTokens;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.RootCaSpec;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one factory, where every custody adapter is visible: which custody the settings choose, and
 * that Key Vault is reached through the sign-in it is given (the server's one), asked for only
 * when the settings choose the vault.
 */
class KeyCustodyFactoryTest {

    private static final RootCaSpec SMALL_RSA = new RootCaSpec("CN=Factory Root,O=Example", 2048, 30, true);

    @TempDir
    Path dataDir;

    @Test
    void theSettingsChooseThePkcs12FilesOfTheDataFolder() throws Exception {
        assertThat(KeyCustodyFactory.kind(settings(Map.of()))).isEqualTo(KeyCustody.Kind.PKCS12);

        KeyCustody created = KeyCustodyFactory.createRootCa(settings(Map.of()), dataDir, SMALL_RSA, Clock.systemUTC(), new SecureRandom());
        KeyCustody opened = KeyCustodyFactory.open(settings(Map.of()), dataDir);

        assertThat(opened.kind()).isEqualTo(KeyCustody.Kind.PKCS12);
        assertThat(opened.ca().certificate()).isEqualTo(created.ca().certificate());
        assertThat(opened.ca().certificate().getSubject().toString()).isEqualTo("CN=Factory Root,O=Example");
        assertThat(opened.ca().describe()).isEqualTo("PKCS#12 file ca.p12");
        for (String file : new String[] {"ca.p12", "ca.p12.password"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(file)))).isEqualTo("rw-------");
        }
    }

    @Test
    void findIsEmptyUntilTheDataFolderHoldsACaAndThenFindsIt() throws Exception {
        assertThat(KeyCustodyFactory.find(settings(Map.of()), dataDir)).isEmpty();
        assertThat(KeyCustodyFactory.location(settings(Map.of()))).isEqualTo("ca.p12");

        KeyCustody created = KeyCustodyFactory.createRootCa(settings(Map.of()), dataDir, SMALL_RSA, Clock.systemUTC(), new SecureRandom());

        assertThat(KeyCustodyFactory.find(settings(Map.of()), dataDir)).get()
                .satisfies(found -> assertThat(found.ca().certificate()).isEqualTo(created.ca().certificate()));
        assertThat(KeyCustodyFactory.tokenRaLabel(settings(Map.of()))).isEmpty();
    }

    @Test
    void scepmansKeyVaultUrlChoosesKeyVault() throws Exception {
        // As in SCEPman: a configuration that names its vault keeps the CA key there (KeyVaultKeyCustodyTest, in azure, tests the vault).
        ScepterSettings scepman = settings(Map.of("AppConfig:KeyVaultConfig:KeyVaultURL", "https://kv-contoso.vault.azure.net/"));
        assertThat(KeyCustodyFactory.kind(scepman)).isEqualTo(KeyCustody.Kind.KEY_VAULT);
        assertThat(KeyCustodyFactory.location(scepman)).isEqualTo("Azure Key Vault https://kv-contoso.vault.azure.net/, certificate 'Scepter-Root-CA-V1'");
    }

    @Test
    void aVaultAndATokenTogetherAreRefused() throws Exception {
        Path library = Files.createFile(dataDir.resolve("libtoken.so"));
        ScepterSettings both = settings(Map.of("AppConfig:KeyVaultConfig:KeyVaultURL", "https://kv-contoso.vault.azure.net/",
                "AppConfig:KeyVaultConfig:Pkcs11:Library", library.toString()));

        assertThatThrownBy(() -> KeyCustodyFactory.kind(both)).isInstanceOf(IllegalStateException.class)
                .hasMessage("AppConfig:KeyVaultConfig:KeyVaultURL puts the CA key in Azure Key Vault and "
                        + "AppConfig:KeyVaultConfig:Pkcs11:Library in a PKCS#11 token: set only the one that holds it.");
    }

    @Test
    void aCaOutsideKeyVaultNeverAsksForTheSignIn() throws Exception {
        Supplier<KeyVaultAccess> refused = () -> {
            throw new AssertionError("Key Vault's sign-in was asked for a CA in ca.p12");
        };

        KeyCustodyFactory.createRootCa(settings(Map.of()), dataDir, SMALL_RSA, Clock.systemUTC(), new SecureRandom(), refused);

        assertThat(KeyCustodyFactory.open(settings(Map.of()), dataDir, refused).kind()).isEqualTo(KeyCustody.Kind.PKCS12);
        assertThat(KeyCustodyFactory.find(settings(Map.of()), dataDir, refused)).isPresent();
    }

    @Test
    void keyVaultIsReachedThroughTheSignInItIsGivenAndNothingIsWrittenToTheDataFolder() throws Exception {
        SimTls tls = SimTls.generate();
        SimTokens simTokens = new SimTokens(Instant::now);
        List<URI> asked = new CopyOnWriteArrayList<>();
        AccessTokens theServersSignIn = new AccessTokens() {
            @Override
            public String token(URI resource) {
                asked.add(resource);
                return simTokens.mint("scepter", resource.toString(), Duration.ofHours(1));
            }

            @Override
            public String describe() {
                return "the server's sign-in";
            }
        };
        try (SimServer server = SimServer.start("keyvault", tls)) {
            KeyVaultSimulator vault = new KeyVaultSimulator(server, simTokens);
            ScepterSettings settings = settings(Map.of("AppConfig:KeyVaultConfig:KeyVaultURL", vault.vaultUrl() + "/"));
            KeyVaultAccess access = new KeyVaultAccess(theServersSignIn, tls.clientContext(), duration -> { }, Clock.systemUTC());

            assertThat(KeyCustodyFactory.find(settings, dataDir, () -> access)).isEmpty();
            KeyCustody created = KeyCustodyFactory.createRootCa(settings, dataDir, SMALL_RSA, Clock.systemUTC(), new SecureRandom(), () -> access);
            KeyCustody opened = KeyCustodyFactory.open(settings, dataDir, () -> access);

            assertThat(opened.kind()).isEqualTo(KeyCustody.Kind.KEY_VAULT);
            assertThat(opened.ca().certificate()).isEqualTo(created.ca().certificate());
            assertThat(asked).isNotEmpty().allMatch(URI.create(KeyVaultSimulator.AUDIENCE)::equals);
            assertThat(dataDir).isEmptyDirectory();
        }
    }

    @Test
    void aMissingCaIsAnErrorNamingItsFile() {
        assertThatThrownBy(() -> KeyCustodyFactory.open(settings(Map.of()), dataDir))
                .hasMessageContaining("ca.p12");
    }

    private static ScepterSettings settings(Map<String, String> values) throws Exception {
        return ScepterSettings.bind(RawSettings.of(values));
    }
}
