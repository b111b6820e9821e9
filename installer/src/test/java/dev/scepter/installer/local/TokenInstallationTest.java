package dev.scepter.installer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.KeyCustodyFactory;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.ScepKey;
import dev.scepter.keys.SoftHsm;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code complete-installation --target local} with the CA key in a real SoftHSM2 token
 * ({@code AppConfig:KeyVaultConfig:Pkcs11:*}): the root CA is created in the token once, found
 * there by every later run, and nothing of it is written to the data folder.
 */
class TokenInstallationTest {

    @TempDir
    Path parent;

    private final List<JdbcStorage> opened = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private SoftHsm.Token token;
    private Map<String, String> values;

    @BeforeEach
    void initialiseToken() throws Exception {
        token = SoftHsm.newToken();
        Path pinFile = Files.writeString(parent.resolve("pin"), token.pin() + "\n", StandardCharsets.UTF_8);
        values = new HashMap<>(Map.of(
                "AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "2048",
                "AppConfig:KeyVaultConfig:RootCertificateConfig:Subject", "CN=Token Root,O=Example",
                "AppConfig:KeyVaultConfig:Pkcs11:Library", SoftHsm.LIBRARY.toString(),
                "AppConfig:KeyVaultConfig:Pkcs11:Slot", String.valueOf(token.slot()),
                "AppConfig:KeyVaultConfig:Pkcs11:PinFile", pinFile.toString()));
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStorage::close);
        opened.clear();
    }

    private ScepterSettings settings() throws Exception {
        return ScepterSettings.bind(RawSettings.of(values));
    }

    private LocalInstallation installation(Path dataDir) throws Exception {
        output.reset();
        return new LocalInstallation(dataDir, settings(), () -> {
            JdbcStorage store = JdbcStorage.embedded(dataDir);
            opened.add(store);
            return store;
        }, Clock.systemUTC(), new SecureRandom(), new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theRootCaIsCreatedInTheTokenOnceAndASecondRunFindsItAndChangesNothing() throws Exception {
        Path dataDir = parent.resolve("data");

        assertThat(installation(dataDir).complete(false)).isTrue();
        String where = "the PKCS#11 token in slot " + token.slot() + " of libsofthsm2.so, key label 'scepter-ca'";
        assertThat(printed()).contains("Create the root CA \"CN=Token Root,O=Example\" (RSA 2048, 3650 days) in " + where,
                "Done: Create the root CA").doesNotContain("SCEP RA");
        assertThat(dataDir.resolve("ca.p12")).doesNotExist();
        assertThat(dataDir.resolve("ca.p12.password")).doesNotExist();
        KeyCustody custody = KeyCustodyFactory.open(settings(), dataDir);
        assertThat(custody.kind()).isEqualTo(KeyCustody.Kind.PKCS11);
        X509CertificateHolder created = custody.ca().certificate();
        assertThat(created.getSubject().toString()).isEqualTo("CN=Token Root,O=Example");
        closeStores();

        assertThat(installation(dataDir).complete(false, true)).isFalse();
        assertThat(printed()).contains("CA key: " + where, "Found: appsettings.json").doesNotContain("ca.p12").endsWith("No changes.\n");
        assertThat(KeyCustodyFactory.open(settings(), dataDir).ca().certificate()).isEqualTo(created);
    }

    @Test
    void anEcCaGetsItsRsaScepRaInTheSameTokenAndASecondRunChangesNothing() throws Exception {
        values.put("AppConfig:KeyVaultConfig:RootCertificateConfig:KeyType", "EC");
        values.put("AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "256");
        values.put("AppConfig:KeyVaultConfig:Pkcs11:KeyLabel", "fleet-ca");
        Path dataDir = parent.resolve("data");

        installation(dataDir).complete(false);
        assertThat(printed()).contains("key label 'fleet-ca'", "Done: Create the SCEP RA certificate", "in the token, labelled 'fleet-ca-scep-ra'");
        assertThat(dataDir.resolve("ra.p12")).doesNotExist();
        KeyCustody custody = KeyCustodyFactory.open(settings(), dataDir);
        ScepKey scep = custody.scepKey();
        assertThat(scep.raCertificate()).isPresent();
        assertThat(scep.raCertificate().get().getIssuer()).isEqualTo(custody.ca().certificate().getSubject());
        closeStores();

        assertThat(installation(dataDir).complete(false)).isFalse();
        assertThat(printed()).endsWith("No changes.\n");
        assertThat(KeyCustodyFactory.open(settings(), dataDir).scepKey().raCertificate()).isEqualTo(scep.raCertificate());
    }

    @Test
    void aWrongPinStopsTheRunBeforeAnythingIsDoneAndNamesTheSetting() throws Exception {
        Files.writeString(parent.resolve("pin"), "9999\n", StandardCharsets.UTF_8);
        Path dataDir = parent.resolve("data");

        assertThatThrownBy(() -> installation(dataDir).complete(false)).isInstanceOf(InstallationException.class)
                .hasMessageContaining("refused the PIN of AppConfig:KeyVaultConfig:Pkcs11:PinFile");
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void aDataFolderWhoseCaIsInCaP12IsNotGivenASecondCaInTheToken() throws Exception {
        Path dataDir = parent.resolve("data");
        Map<String, String> fileCa = new HashMap<>(values);
        fileCa.keySet().removeIf(name -> name.contains(":Pkcs11:"));
        new LocalInstallation(dataDir, ScepterSettings.bind(RawSettings.of(fileCa)), () -> {
            JdbcStorage store = JdbcStorage.embedded(dataDir);
            opened.add(store);
            return store;
        }, Clock.systemUTC(), new SecureRandom(), new PrintStream(output, true, StandardCharsets.UTF_8)).complete(false);
        closeStores();

        assertThatThrownBy(() -> installation(dataDir).complete(false)).isInstanceOf(InstallationException.class)
                .hasMessageContaining("holds no CA, but " + dataDir.resolve("ca.p12") + " holds this installation's CA");
        assertThat(KeyCustodyFactory.find(settings(), dataDir)).isEmpty();
    }
}
