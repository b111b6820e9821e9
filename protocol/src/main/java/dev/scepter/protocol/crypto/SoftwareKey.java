package dev.scepter.protocol.crypto;

import dev.scepter.protocol.crypto.CryptoProviders.Operation;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Objects;
import javax.crypto.Cipher;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private key held in this JVM's memory, signing and unwrapping with the provider
 * {@link CryptoProviders#current()} names for each operation. The key is translated into that
 * provider's own form once, not on every signature (for the native provider a translation costs
 * as much as a P-256 signature). A key that is not a software key (no PKCS#8 encoding: a PKCS#11
 * token's) is used with no provider named, as the JCA picks, whatever was chosen.
 */
public final class SoftwareKey {
    private final PrivateKey key;
    private final boolean software;
    private volatile Translation translation;

    /** The provider to name (null: none, the JCA's choice) and the key in its form. */
    private record Translation(Provider provider, PrivateKey key) {
    }

    private SoftwareKey(PrivateKey key) {
        this.key = Objects.requireNonNull(key, "key");
        this.software = "PKCS#8".equals(key.getFormat()) && key.getEncoded() != null;
    }

    public static SoftwareKey of(PrivateKey key) {
        return new SoftwareKey(key);
    }

    /** The key's algorithm, RSA or EC. */
    public String algorithm() {
        return key.getAlgorithm();
    }

    /** A signer for {@code signatureAlgorithm} (a JCA name such as SHA256withRSA or SHA256withECDSA). */
    public ContentSigner contentSigner(String signatureAlgorithm) throws OperatorCreationException {
        if (!software) {
            return new JcaContentSignerBuilder(signatureAlgorithm).build(key);
        }
        Operation operation = isRsa() ? Operation.RSA_SIGNATURE : Operation.EC_SIGNATURE;
        Translation chosen = translation(operation);
        try {
            return builder(signatureAlgorithm, chosen.provider()).build(chosen.key());
        } catch (OperatorCreationException e) {
            // An algorithm the chosen provider lacks (MD5withRSA, say): the fallback signs it, as before.
            Provider fallback = CryptoProviders.fallback(operation).orElse(null);
            if (fallback == chosen.provider()) {
                throw e;
            }
            return builder(signatureAlgorithm, fallback).build(key);
        }
    }

    /**
     * Decrypts an RSAES-PKCS1-v1_5 key-transport key (RFC 8017 section 7.2). Bad padding throws
     * {@link GeneralSecurityException}, which the SCEP codec turns into a random key (RFC 3218).
     */
    public byte[] decryptKeyTransport(byte[] encryptedKey) throws GeneralSecurityException {
        if (!isRsa()) {
            throw new InvalidKeyException("a " + key.getAlgorithm() + " key cannot unwrap a key-transport key");
        }
        Translation chosen = software ? translation(Operation.RSA_KEY_TRANSPORT) : new Translation(null, key);
        Cipher cipher = chosen.provider() != null
                ? Cipher.getInstance("RSA/ECB/PKCS1Padding", chosen.provider())
                : Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.DECRYPT_MODE, chosen.key());
        return cipher.doFinal(encryptedKey);
    }

    private boolean isRsa() {
        return "RSA".equals(key.getAlgorithm());
    }

    /**
     * The provider chosen for {@code operation} now, and the key in its form. Only the native
     * provider's translation is kept (the fallbacks take the key as it is), so an operation on
     * the native provider and another on a fallback do not translate again each time.
     */
    private Translation translation(Operation operation) {
        Provider provider = CryptoProviders.current().provider(operation).orElse(null);
        if (provider == null || provider == CryptoProviders.fallback(operation).orElse(null)) {
            return new Translation(provider, key);
        }
        Translation known = translation;
        if (known != null && known.provider() == provider) {
            return known;
        }
        Translation made = new Translation(provider, translate(provider));
        translation = made;
        return made;
    }

    /** The key in {@code provider}'s own form, or the key itself if the provider will not translate it (it may still take it). */
    private PrivateKey translate(Provider provider) {
        try {
            return (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    private static JcaContentSignerBuilder builder(String signatureAlgorithm, Provider provider) {
        JcaContentSignerBuilder builder = new JcaContentSignerBuilder(signatureAlgorithm);
        if (provider != null) {
            builder.setProvider(provider);
        }
        return builder;
    }

    @Override
    public String toString() {
        return "SoftwareKey[" + key.getAlgorithm() + (software ? "" : ", not software") + "]";
    }
}
