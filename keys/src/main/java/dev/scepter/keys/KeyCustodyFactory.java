package dev.scepter.keys;

import dev.scepter.azure.http.JsonHttp;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignIn;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The one place where the CA's key custody is chosen and opened: the server opens it at start,
 * the installer creates the root CA and the SCEP RA through it. Each {@link KeyCustody.Kind} is
 * one arm of the switches below (exhaustive, so a new kind must be handled in each); a kind
 * without an adapter fails with a message naming it and the setting that chooses it.
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
     * How this instance reaches Azure Key Vault: its sign-in and whom it trusts on HTTPS. The
     * server passes the sign-in it already has; tests pass a simulator's.
     */
    public record Cloud(AccessTokens tokens, SSLContext tls, JsonHttp.Sleeper sleeper, Clock clock) {

        public Cloud {
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(sleeper, "sleeper");
            Objects.requireNonNull(clock, "clock");
        }

        /** The settings' sign-in ({@code AppConfig:AuthConfig:*}), the JVM's trust store: production. */
        public static Cloud of(ScepterSettings settings) {
            try {
                return new Cloud(SignIn.open(settings, Clock.systemUTC()), SSLContext.getDefault(), duration -> Thread.sleep(duration.toMillis()),
                        Clock.systemUTC());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM has no default TLS context", e);
            }
        }
    }

    private static KeyVaultSettings keyVault(ScepterSettings settings) {
        return KeyVaultSettings.bind(settings.raw()).orElseThrow();
    }

    private static KeyVaultClient keyVaultClient(ScepterSettings settings, Cloud cloud) {
        return KeyVaultKeyCustody.client(keyVault(settings), cloud.tokens(), cloud.tls(), cloud.sleeper(), cloud.clock());
    }

    /**
     * Opens the existing CA in the custody the settings choose.
     *
     * @throws IllegalStateException when the custody cannot be opened for a reason the settings
     *                               can fix (a PKCS#11 PIN that is wrong, a token that is missing), naming the setting
     */
    public static KeyCustody open(ScepterSettings settings, Path dataDir) throws IOException, GeneralSecurityException {
        return open(settings, dataDir, kind(settings) == KeyCustody.Kind.KEY_VAULT ? Cloud.of(settings) : null);
    }

    /** {@link #open(ScepterSettings, Path)} reaching Key Vault through {@code cloud} (unused by the other kinds, may be null then). */
    public static KeyCustody open(ScepterSettings settings, Path dataDir, Cloud cloud) throws IOException, GeneralSecurityException {
        KeyCustody.Kind kind = kind(settings);
        if (kind == KeyCustody.Kind.KEY_VAULT) {
            return KeyVaultKeyCustody.open(keyVault(settings), keyVaultClient(settings, cloud));
        }
        if (kind == KeyCustody.Kind.PKCS11) {
            return Pkcs11KeyCustody.open(pkcs11(settings));
        }
        return open(kind, dataDir);
    }

    /**
     * The existing CA in the custody the settings choose, or empty when that custody holds none
     * yet (no {@code ca.p12}; no key with its certificate under the token's key label), which is
     * when {@code complete-installation} creates one.
     *
     * @throws IllegalStateException when the custody cannot be looked into for a reason the
     *                               settings can fix, naming the setting
     */
    public static Optional<KeyCustody> find(ScepterSettings settings, Path dataDir) throws IOException, GeneralSecurityException {
        return find(settings, dataDir, kind(settings) == KeyCustody.Kind.KEY_VAULT ? Cloud.of(settings) : null);
    }

    /** {@link #find(ScepterSettings, Path)} reaching Key Vault through {@code cloud} (unused by the other kinds, may be null then). */
    public static Optional<KeyCustody> find(ScepterSettings settings, Path dataDir, Cloud cloud) throws IOException, GeneralSecurityException {
        KeyCustody.Kind kind = kind(settings);
        if (kind == KeyCustody.Kind.KEY_VAULT) {
            return KeyVaultKeyCustody.find(keyVault(settings), keyVaultClient(settings, cloud)).map(KeyCustody.class::cast);
        }
        if (kind == KeyCustody.Kind.PKCS11) {
            return Pkcs11KeyCustody.find(pkcs11(settings)).map(KeyCustody.class::cast);
        }
        if (kind == KeyCustody.Kind.PKCS12 && !Files.exists(new DataFolder(dataDir).caKeyStore())) {
            return Optional.empty();
        }
        return Optional.of(open(kind, dataDir));
    }

    /**
     * Where the settings put the CA key, for an administrator: the data folder's {@code ca.p12},
     * or the token's slot and key label (never the PIN).
     */
    public static String location(ScepterSettings settings) {
        KeyCustody.Kind kind = kind(settings);
        if (kind == KeyCustody.Kind.PKCS11) {
            Pkcs11Settings token = pkcs11(settings);
            return "the PKCS#11 token in " + token.describe() + ", key label '" + token.keyLabel() + "'";
        }
        if (kind == KeyCustody.Kind.KEY_VAULT) {
            KeyVaultSettings vault = keyVault(settings);
            return "Azure Key Vault " + vault.vaultUrl() + ", certificate '" + vault.certificateName() + "'";
        }
        return kind == KeyCustody.Kind.PKCS12 ? DataFolder.CA_KEY_STORE : kind.description();
    }

    /** The label of the SCEP RA in the token the settings choose, for a CA whose key is not RSA; empty outside a token. */
    public static Optional<String> tokenRaLabel(ScepterSettings settings) {
        return kind(settings) == KeyCustody.Kind.PKCS11 ? Optional.of(pkcs11(settings).raLabel()) : Optional.empty();
    }

    /** Opens the existing CA in the given kind of custody, for the kinds that need no settings but the data folder. */
    public static KeyCustody open(KeyCustody.Kind kind, Path dataDir) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dataDir, "dataDir");
        return switch (kind) {
            case PKCS12 -> Pkcs12KeyCustody.open(new DataFolder(dataDir));
            case PKCS11 -> throw new IllegalStateException("A PKCS#11 token is opened from its settings ("
                    + Setting.PKCS11_LIBRARY.key() + " and the others of docs/configuration.md), not from the data folder.");
            case KEY_VAULT -> throw new IllegalStateException("Azure Key Vault is opened from its settings (" + Setting.KEY_VAULT_URL.key()
                    + " and the others of docs/configuration.md), not from the data folder.");
        };
    }

    /**
     * Creates a new self-signed root CA (RFC 5280 section 4.2.1.9) in the custody the settings
     * choose. For PKCS#12: {@code ca.p12} and a fresh random password in {@code ca.p12.password},
     * both 0600.
     */
    public static KeyCustody createRootCa(ScepterSettings settings, Path dataDir, RootCaSpec spec, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        return createRootCa(settings, dataDir, spec, clock, random, kind(settings) == KeyCustody.Kind.KEY_VAULT ? Cloud.of(settings) : null);
    }

    /**
     * {@link #createRootCa(ScepterSettings, Path, RootCaSpec, Clock, SecureRandom)} reaching Key Vault
     * through {@code cloud} (unused by the other kinds, may be null then). In Key Vault: a
     * certificate object whose key the vault makes (RSA-HSM or EC-HSM when
     * {@code RootCertificateConfig:KeyType} says so), self-signed with that key and merged.
     */
    public static KeyCustody createRootCa(ScepterSettings settings, Path dataDir, RootCaSpec spec, Clock clock, SecureRandom random, Cloud cloud)
            throws IOException, GeneralSecurityException {
        KeyCustody.Kind kind = kind(settings);
        if (kind == KeyCustody.Kind.KEY_VAULT) {
            return KeyVaultKeyCustody.createRootCa(keyVault(settings), keyVaultClient(settings, cloud), spec, clock, random);
        }
        if (kind == KeyCustody.Kind.PKCS11) {
            // Generated in the token, where it stays; the certificate is stored beside it.
            return Pkcs11KeyCustody.createRootCa(pkcs11(settings), spec, clock, random);
        }
        return createRootCa(kind, dataDir, spec, clock, random);
    }

    private static Pkcs11Settings pkcs11(ScepterSettings settings) {
        return Pkcs11Settings.bind(settings.raw()).orElseThrow();
    }

    /** Creates a new self-signed root CA in the given kind of custody. */
    public static KeyCustody createRootCa(KeyCustody.Kind kind, Path dataDir, RootCaSpec spec, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(spec, "spec");
        return switch (kind) {
            case PKCS12 -> Pkcs12KeyCustody.createRootCa(new DataFolder(dataDir), spec, clock, random);
            case PKCS11 -> throw new IllegalStateException("A root CA in a PKCS#11 token is created from its settings ("
                    + Setting.PKCS11_LIBRARY.key() + " and the others of docs/configuration.md).");
            case KEY_VAULT -> throw new IllegalStateException("A root CA in Azure Key Vault is created from its settings ("
                    + Setting.KEY_VAULT_URL.key() + " and the others of docs/configuration.md).");
        };
    }
}
