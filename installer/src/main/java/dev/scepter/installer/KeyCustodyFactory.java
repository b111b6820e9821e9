package dev.scepter.installer;

import dev.scepter.azure.keyvault.KeyVaultAccess;
import dev.scepter.azure.keyvault.KeyVaultKeyCustody;
import dev.scepter.azure.keyvault.KeyVaultSettings;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignIn;
import dev.scepter.keys.KeyCustody;
import dev.scepter.keys.Pkcs11KeyCustody;
import dev.scepter.keys.Pkcs11Settings;
import dev.scepter.keys.Pkcs12KeyCustody;
import dev.scepter.keys.RootCaSpec;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place where the CA's key custody is chosen and opened, as {@link StorageFactory} is for
 * the storage: here every custody adapter is visible (PKCS#12 files and a PKCS#11 token in
 * {@code keys}, Azure Key Vault in {@code azure}), while no adapter knows another. The server
 * opens the custody at start, the installer creates the root CA and the SCEP RA through it. Each
 * {@link KeyCustody.Kind} is one arm of the switches below (exhaustive, so a new kind must be
 * handled in each).
 *
 * <p>Key Vault is reached with the process's one sign-in: callers that have it (the server) pass
 * it as a {@code Supplier<KeyVaultAccess>}; it is asked for only when the settings choose Key Vault.
 */
public final class KeyCustodyFactory {

    private KeyCustodyFactory() {
    }

    /**
     * The kind the settings choose: Azure Key Vault when SCEPman's
     * {@code AppConfig:KeyVaultConfig:KeyVaultURL} names a vault, a PKCS#11 token when
     * {@code AppConfig:KeyVaultConfig:Pkcs11:Library} names its module, else PKCS#12 files in the
     * data folder.
     *
     * @throws IllegalStateException when both a vault and a token are named: which one holds the CA key is not guessed
     */
    public static KeyCustody.Kind kind(ScepterSettings settings) {
        Objects.requireNonNull(settings, "settings");
        boolean token = given(settings, Setting.PKCS11_LIBRARY);
        boolean vault = given(settings, Setting.KEY_VAULT_URL);
        if (token && vault) {
            throw new IllegalStateException(Setting.KEY_VAULT_URL.key() + " puts the CA key in Azure Key Vault and "
                    + Setting.PKCS11_LIBRARY.key() + " in a PKCS#11 token: set only the one that holds it.");
        }
        return vault ? KeyCustody.Kind.KEY_VAULT : token ? KeyCustody.Kind.PKCS11 : KeyCustody.Kind.PKCS12;
    }

    private static boolean given(ScepterSettings settings, Setting setting) {
        return settings.raw().value(setting.key()).filter(value -> !value.isBlank()).isPresent();
    }

    /**
     * Key Vault through a sign-in of its own ({@code AppConfig:AuthConfig:*}), made when first
     * asked: for a command that has no other (complete-installation). The server passes its own.
     */
    public static Supplier<KeyVaultAccess> ownSignIn(ScepterSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return new Supplier<>() {
            private KeyVaultAccess access;

            @Override
            public synchronized KeyVaultAccess get() {
                if (access == null) {
                    access = KeyVaultAccess.of(SignIn.open(settings, Clock.systemUTC()));
                }
                return access;
            }
        };
    }

    /** Key Vault through {@code tokens}, the sign-in the caller already has. */
    public static Supplier<KeyVaultAccess> signedIn(AccessTokens tokens) {
        KeyVaultAccess access = KeyVaultAccess.of(tokens);
        return () -> access;
    }

    private static KeyVaultSettings keyVault(ScepterSettings settings) {
        return KeyVaultSettings.bind(settings.raw()).orElseThrow();
    }

    private static Pkcs11Settings pkcs11(ScepterSettings settings) {
        return Pkcs11Settings.bind(settings.raw()).orElseThrow();
    }

    /** {@link #open(ScepterSettings, Path, Supplier)} with a sign-in of its own, should the settings choose Key Vault. */
    public static KeyCustody open(ScepterSettings settings, Path dataDir) throws IOException, GeneralSecurityException {
        return open(settings, dataDir, ownSignIn(settings));
    }

    /**
     * Opens the existing CA in the custody the settings choose.
     *
     * @param vault how Key Vault is reached; asked for only when the settings choose it
     * @throws IllegalStateException when the custody cannot be opened for a reason the settings
     *                               can fix (a PKCS#11 PIN that is wrong, a token that is missing,
     *                               a vault that refuses this instance), naming the setting
     */
    public static KeyCustody open(ScepterSettings settings, Path dataDir, Supplier<KeyVaultAccess> vault)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dataDir, "dataDir");
        return switch (kind(settings)) {
            case KEY_VAULT -> KeyVaultKeyCustody.open(keyVault(settings), vault.get());
            case PKCS11 -> Pkcs11KeyCustody.open(pkcs11(settings));
            case PKCS12 -> Pkcs12KeyCustody.open(new DataFolder(dataDir));
        };
    }

    /** {@link #find(ScepterSettings, Path, Supplier)} with a sign-in of its own, should the settings choose Key Vault. */
    public static Optional<KeyCustody> find(ScepterSettings settings, Path dataDir) throws IOException, GeneralSecurityException {
        return find(settings, dataDir, ownSignIn(settings));
    }

    /**
     * The existing CA in the custody the settings choose, or empty when that custody holds none
     * yet (no {@code ca.p12}; no key with its certificate under the token's key label; no
     * certificate object of that name in the vault), which is when {@code complete-installation}
     * creates one.
     *
     * @throws IllegalStateException when the custody cannot be looked into for a reason the
     *                               settings can fix, naming the setting
     */
    public static Optional<KeyCustody> find(ScepterSettings settings, Path dataDir, Supplier<KeyVaultAccess> vault)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dataDir, "dataDir");
        return switch (kind(settings)) {
            case KEY_VAULT -> KeyVaultKeyCustody.find(keyVault(settings), vault.get()).map(KeyCustody.class::cast);
            case PKCS11 -> Pkcs11KeyCustody.find(pkcs11(settings)).map(KeyCustody.class::cast);
            case PKCS12 -> Files.exists(new DataFolder(dataDir).caKeyStore())
                    ? Optional.of(Pkcs12KeyCustody.open(new DataFolder(dataDir)))
                    : Optional.empty();
        };
    }

    /**
     * Where the settings put the CA key, for an administrator: the data folder's {@code ca.p12},
     * the token's slot and key label (never the PIN), or the vault and its certificate object.
     */
    public static String location(ScepterSettings settings) {
        return switch (kind(settings)) {
            case PKCS11 -> {
                Pkcs11Settings token = pkcs11(settings);
                yield "the PKCS#11 token in " + token.describe() + ", key label '" + token.keyLabel() + "'";
            }
            case KEY_VAULT -> {
                KeyVaultSettings vault = keyVault(settings);
                yield "Azure Key Vault " + vault.vaultUrl() + ", certificate '" + vault.certificateName() + "'";
            }
            case PKCS12 -> DataFolder.CA_KEY_STORE;
        };
    }

    /**
     * Where the SCEP RA of a CA whose key is not RSA is kept, for an administrator: in the token
     * under its label, in the vault as its certificate object, else {@code ra.p12}.
     */
    public static String raLocation(ScepterSettings settings) {
        return switch (kind(settings)) {
            case PKCS11 -> "in the token, labelled '" + pkcs11(settings).raLabel() + "'";
            case KEY_VAULT -> "in Key Vault, certificate '" + keyVault(settings).raCertificateName() + "'";
            case PKCS12 -> "in " + DataFolder.RA_KEY_STORE;
        };
    }

    /** The label of the SCEP RA in the token the settings choose, for a CA whose key is not RSA; empty outside a token. */
    public static Optional<String> tokenRaLabel(ScepterSettings settings) {
        return kind(settings) == KeyCustody.Kind.PKCS11 ? Optional.of(pkcs11(settings).raLabel()) : Optional.empty();
    }

    /** {@link #createRootCa(ScepterSettings, Path, RootCaSpec, Clock, SecureRandom, Supplier)} with a sign-in of its own. */
    public static KeyCustody createRootCa(ScepterSettings settings, Path dataDir, RootCaSpec spec, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        return createRootCa(settings, dataDir, spec, clock, random, ownSignIn(settings));
    }

    /**
     * Creates a new self-signed root CA (RFC 5280 section 4.2.1.9) in the custody the settings
     * choose. For PKCS#12: {@code ca.p12} and a fresh random password in {@code ca.p12.password},
     * both 0600; in a token, a key generated there; in Key Vault, a certificate object whose key
     * the vault makes. A key is never replaced.
     */
    public static KeyCustody createRootCa(ScepterSettings settings, Path dataDir, RootCaSpec spec, Clock clock, SecureRandom random,
            Supplier<KeyVaultAccess> vault) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(spec, "spec");
        return switch (kind(settings)) {
            case KEY_VAULT -> KeyVaultKeyCustody.createRootCa(keyVault(settings), vault.get(), spec, clock, random);
            // Generated in the token, where it stays; the certificate is stored beside it.
            case PKCS11 -> Pkcs11KeyCustody.createRootCa(pkcs11(settings), spec, clock, random);
            case PKCS12 -> Pkcs12KeyCustody.createRootCa(new DataFolder(dataDir), spec, clock, random);
        };
    }
}
