package dev.scepter.keys;

import dev.scepter.authority.ca.CaSigner;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * Where the CA's key, and the SCEP RA's beside a CA whose key cannot do key transport, are kept;
 * opened by the installer's {@code KeyCustodyFactory}, the one place that chooses among them. It
 * hands out signers and decrypters, never a private key, so that PKCS#12 files, a PKCS#11 token
 * and Azure Key Vault fit the same way.
 *
 * <p>Contract: {@link #ca()} is open and ready to sign when the custody is handed out;
 * {@link #scepKey()} is the key SCEP clients encrypt their requests to (RFC 8894 section 2.1),
 * checked against this CA before it is handed out. Nothing here exposes key material.
 *
 * <p>Not sealed: a custody is an adapter, and an adapter of another module implements it (Azure
 * Key Vault lives in {@code azure}, which has the sign-in and HTTP it needs, and this module must
 * not know {@code azure}: no adapter imports another). Sealing it to this module's two would put
 * the vault back here. What stays exhaustive is {@link Kind}, which the factory switches on.
 *
 * <p>Lifecycle: whoever opens a custody closes it when done (the server when it stops, the
 * installer after each use), and a closed custody's signers must not be used again. A PKCS#11
 * token stays logged in while a custody of it is open; the files and the vault hold nothing.
 */
public interface KeyCustody extends AutoCloseable {

    /** The kinds of custody; each is one adapter, chosen by the settings.  */
    enum Kind {
        /** {@code ca.p12} (and {@code ra.p12}) in the data folder: the embedded default. */
        PKCS12("PKCS#12 files in the data folder", Optional.empty()),
        /** Azure Key Vault, chosen by the vault's URL as SCEPman chooses it. */
        KEY_VAULT("Azure Key Vault", Optional.of("AppConfig:KeyVaultConfig:KeyVaultURL")),
        /** A PKCS#11 token through the JDK's SunPKCS11 provider, chosen by the token's module. */
        PKCS11("a PKCS#11 token", Optional.of("AppConfig:KeyVaultConfig:Pkcs11:Library"));

        private final String description;
        private final Optional<String> setting;

        Kind(String description, Optional<String> setting) {
            this.description = description;
            this.setting = setting;
        }

        /** What the kind keeps the key in, for messages. */
        public String description() {
            return description;
        }

        /** The setting that names this kind, where there is one. */
        public Optional<String> setting() {
            return setting;
        }
    }

    /** This custody's kind. */
    Kind kind();

    /** The CA's signer; a {@link dev.scepter.authority.ca.CaDecrypter} too when its key can unwrap keys (RSA). */
    CaSigner ca();

    /**
     * Whether SCEP needs an RA beside this CA: its key is not RSA, and SCEP's key transport
     * (RFC 8894 section 3.2.2) needs one.
     */
    boolean needsScepRa();

    /**
     * The key SCEP uses (RFC 8894 section 2.1): the CA's own when it is RSA, else the RA's, which
     * must be a currently valid certificate of this CA.
     *
     * @throws IllegalStateException when the RA is missing, unreadable or not this CA's, saying how to fix it
     */
    ScepKey scepKey();

    /**
     * Creates the SCEP RA of this CA: an RSA-2048 key and an end-entity certificate issued by the
     * CA for as long as the CA lives, with keyEncipherment and digitalSignature.
     */
    void createScepRa(Clock clock, SecureRandom random) throws IOException, GeneralSecurityException;

    /** Releases what the custody holds (a token's login); idempotent. The default holds nothing. */
    @Override
    default void close() {
    }
}
