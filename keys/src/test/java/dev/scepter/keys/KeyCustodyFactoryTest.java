package dev.scepter.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one factory: which custody the settings choose, and how a kind without an adapter is refused. */
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
        // As in SCEPman: a configuration that names its vault keeps the CA key there (KeyVaultKeyCustodyTest uses it).
        ScepterSettings scepman = settings(Map.of("AppConfig:KeyVaultConfig:KeyVaultURL", "https://kv-contoso.vault.azure.net/"));
        assertThat(KeyCustodyFactory.kind(scepman)).isEqualTo(KeyCustody.Kind.KEY_VAULT);
        assertThat(KeyCustodyFactory.location(scepman)).isEqualTo("Azure Key Vault https://kv-contoso.vault.azure.net/, certificate 'Scepter-Root-CA-V1'");
    }

    @Test
    void keyVaultIsNotOpenedFromTheDataFolderAndNothingIsWritten() {
        assertThatThrownBy(() -> KeyCustodyFactory.createRootCa(KeyCustody.Kind.KEY_VAULT, dataDir, SMALL_RSA, Clock.systemUTC(),
                new SecureRandom()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A root CA in Azure Key Vault is created from its settings (AppConfig:KeyVaultConfig:KeyVaultURL and the others "
                        + "of docs/configuration.md).");
        assertThat(dataDir).isEmptyDirectory();
        assertThatThrownBy(() -> KeyCustodyFactory.open(KeyCustody.Kind.KEY_VAULT, dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AppConfig:KeyVaultConfig:KeyVaultURL");
    }

    @Test
    void aTokenIsNotOpenedFromTheDataFolder() {
        assertThatThrownBy(() -> KeyCustodyFactory.open(KeyCustody.Kind.PKCS11, dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("A PKCS#11 token is opened from its settings (AppConfig:KeyVaultConfig:Pkcs11:Library");
        assertThat(dataDir).isEmptyDirectory();
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
