package dev.scepter.keys;

import dev.scepter.settings.DataFolder;
import dev.scepter.settings.ScepterSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

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
     * The kind the settings choose: PKCS#12 files in the data folder, the only kind this version
     * has. SCEPman's {@code AppConfig:KeyVaultConfig:KeyVaultURL} does not choose Key Vault yet:
     * it stays an ignored setting (warned about at start), so that a SCEPman configuration
     * starts on the data folder's key as it always did. The Key Vault and PKCS#11 adapters read
     * their settings here.
     */
    public static KeyCustody.Kind kind(ScepterSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return KeyCustody.Kind.PKCS12;
    }

    /** Opens the existing CA in the custody the settings choose. */
    public static KeyCustody open(ScepterSettings settings, Path dataDir) throws IOException, GeneralSecurityException {
        return open(kind(settings), dataDir);
    }

    /** Opens the existing CA in the given kind of custody. */
    public static KeyCustody open(KeyCustody.Kind kind, Path dataDir) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dataDir, "dataDir");
        return switch (kind) {
            case PKCS12 -> Pkcs12KeyCustody.open(new DataFolder(dataDir));
            case KEY_VAULT, PKCS11 -> throw unavailable(kind);
        };
    }

    /**
     * Creates a new self-signed root CA (RFC 5280 section 4.2.1.9) in the custody the settings
     * choose. For PKCS#12: {@code ca.p12} and a fresh random password in {@code ca.p12.password},
     * both 0600.
     */
    public static KeyCustody createRootCa(ScepterSettings settings, Path dataDir, RootCaSpec spec, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        return createRootCa(kind(settings), dataDir, spec, clock, random);
    }

    /** Creates a new self-signed root CA in the given kind of custody. */
    public static KeyCustody createRootCa(KeyCustody.Kind kind, Path dataDir, RootCaSpec spec, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(spec, "spec");
        return switch (kind) {
            case PKCS12 -> Pkcs12KeyCustody.createRootCa(new DataFolder(dataDir), spec, clock, random);
            case KEY_VAULT, PKCS11 -> throw unavailable(kind);
        };
    }

    private static IllegalStateException unavailable(KeyCustody.Kind kind) {
        return new IllegalStateException("Key custody " + kind + " (" + kind.description()
                + kind.setting().map(setting -> ", chosen by " + setting).orElse("")
                + ") is not available in this version: only " + KeyCustody.Kind.PKCS12 + " ("
                + KeyCustody.Kind.PKCS12.description() + ") is.");
    }
}
