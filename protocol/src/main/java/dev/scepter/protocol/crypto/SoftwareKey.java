package dev.scepter.protocol.crypto;

import dev.scepter.protocol.crypto.CryptoProviders.Operation;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Objects;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private key held in this JVM's memory, signing and unwrapping with the provider
 * {@link CryptoProviders#current()} names for each operation. The key is translated into that
 * provider's own form once, not on every signature (for the native provider a translation costs
 * as much as a P-256 signature). If the native provider refuses the key (a restored PKCS#12 key
 * whose parameters AWS-LC does not accept), that is logged once and the fallback uses it from then on.
 *
 * <p>Only keys whose class is one of the in-memory implementations (the JDK's, BouncyCastle's,
 * ACCP's) are given to a named provider. Any other key, such as a PKCS#11 token's (SunPKCS11 gives
 * an extractable token key a PKCS#8 encoding too), is used with no provider named, as the JCA picks.
 */
public final class SoftwareKey {
    private static final System.Logger LOG = System.getLogger(SoftwareKey.class.getName());
    /** Packages of the in-memory private key classes; a token's key class (sun.security.pkcs11) is none of them. */
    private static final List<String> IN_MEMORY_KEY_PACKAGES = List.of("sun.security.rsa.", "sun.security.ec.",
            "org.bouncycastle.", "com.amazon.corretto.crypto.provider.");

    private final PrivateKey key;
    private final boolean software;
    private volatile NativeForm nativeForm;

    /** The provider to name (null: none, the JCA's choice) and the key in its form. */
    record Translation(Provider provider, PrivateKey key) {
    }

    /** The key in the native provider's form, or null if that provider refused it. */
    private record NativeForm(Provider provider, PrivateKey key) {
    }

    private SoftwareKey(PrivateKey key) {
        this.key = Objects.requireNonNull(key, "key");
        this.software = inMemory(key);
    }

    public static SoftwareKey of(PrivateKey key) {
        return new SoftwareKey(key);
    }

    /** Decided by the key's class, not by whether it has an encoding (an extractable token key has one). */
    static boolean inMemory(PrivateKey key) {
        String className = key.getClass().getName();
        return "PKCS#8".equals(key.getFormat()) && IN_MEMORY_KEY_PACKAGES.stream().anyMatch(className::startsWith);
    }

    /** The key's algorithm, RSA or EC. */
    public String algorithm() {
        return key.getAlgorithm();
    }

    /** A signer for {@code signatureAlgorithm} (a JCA name such as SHA256withRSA or SHA256withECDSA). */
    public ContentSigner contentSigner(String signatureAlgorithm) throws OperatorCreationException {
        return signer(signatureAlgorithm).signer();
    }

    /** A signer and the provider that made it (null: the JCA's choice). */
    record Signer(Provider provider, ContentSigner signer) {
    }

    Signer signer(String signatureAlgorithm) throws OperatorCreationException {
        if (!software) {
            return new Signer(null, new JcaContentSignerBuilder(signatureAlgorithm).build(key));
        }
        Operation operation = isRsa() ? Operation.RSA_SIGNATURE : Operation.EC_SIGNATURE;
        Translation chosen = translation(operation);
        Provider fallback = CryptoProviders.fallback(operation).orElse(null);
        try {
            return new Signer(chosen.provider(), builder(signatureAlgorithm, chosen.provider()).build(chosen.key()));
        } catch (OperatorCreationException e) {
            if (fallback == chosen.provider()) {
                throw e;
            }
            if (e.getCause() instanceof InvalidKeyException) {
                refused(chosen.provider(), e.getCause());
            }
            // Otherwise an algorithm the chosen provider lacks (MD5withRSA, say): the fallback signs it, as before.
            return new Signer(fallback, builder(signatureAlgorithm, fallback).build(key));
        }
    }

    /**
     * Decrypts an RSAES-PKCS1-v1_5 key-transport key (RFC 8017 section 7.2). Whatever is wrong with
     * {@code encryptedKey} throws {@link GeneralSecurityException}, which the SCEP codec turns into a
     * random key (RFC 3218): for a key in memory no failure of the decryption itself can be an outage.
     */
    public byte[] decryptKeyTransport(byte[] encryptedKey) throws GeneralSecurityException {
        if (!isRsa()) {
            throw new InvalidKeyException("a " + key.getAlgorithm() + " key cannot unwrap a key-transport key");
        }
        Translation chosen = software ? translation(Operation.RSA_KEY_TRANSPORT) : new Translation(null, key);
        Cipher cipher;
        try {
            cipher = keyTransportCipher(chosen);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Not the client's doing: the native provider will not take this key. The JDK does it instead.
            Provider fallback = CryptoProviders.fallback(Operation.RSA_KEY_TRANSPORT).orElse(null);
            if (!software || chosen.provider() == fallback) {
                throw e;
            }
            refused(chosen.provider(), e);
            cipher = keyTransportCipher(new Translation(fallback, key));
        }
        byte[] input = toModulusLength(encryptedKey);
        try {
            return cipher.doFinal(input);
        } catch (RuntimeException e) {
            if (!software) {
                throw e; // a token's failure may be the token's: the caller tells an outage from a bad envelope
            }
            // ACCP throws RuntimeCryptoException for native errors it does not map to bad padding.
            throw new BadPaddingException("the encrypted key does not decrypt");
        }
    }

    private static Cipher keyTransportCipher(Translation chosen) throws GeneralSecurityException {
        Cipher cipher = chosen.provider() != null
                ? Cipher.getInstance("RSA/ECB/PKCS1Padding", chosen.provider())
                : Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.DECRYPT_MODE, chosen.key());
        return cipher;
    }

    /**
     * Left-pads with zeros to the modulus length, as the JDK's RSA accepts an integer below the
     * modulus in fewer octets (an encoder that strips leading zeros sends one in 256 keys so) and
     * AWS-LC wants exactly the modulus length. Longer input is left to be refused.
     */
    private byte[] toModulusLength(byte[] encryptedKey) {
        if (!(key instanceof RSAKey rsa)) {
            return encryptedKey;
        }
        int length = (rsa.getModulus().bitLength() + 7) / 8;
        if (encryptedKey.length >= length) {
            return encryptedKey;
        }
        byte[] padded = new byte[length];
        System.arraycopy(encryptedKey, 0, padded, length - encryptedKey.length, encryptedKey.length);
        return padded;
    }

    private boolean isRsa() {
        return "RSA".equals(key.getAlgorithm());
    }

    /**
     * The provider chosen for {@code operation} now, and the key in its form. Only the native
     * provider's translation (or refusal) is kept; the fallbacks take the key as it is.
     */
    Translation translation(Operation operation) {
        if (!software) {
            return new Translation(null, key);
        }
        Provider provider = CryptoProviders.current().provider(operation).orElse(null);
        Provider fallback = CryptoProviders.fallback(operation).orElse(null);
        if (provider == null || provider == fallback) {
            return new Translation(provider, key);
        }
        NativeForm known = nativeForm;
        if (known == null || known.provider() != provider) {
            known = translate(provider);
        }
        return known.key() == null ? new Translation(fallback, key) : new Translation(provider, known.key());
    }

    private NativeForm translate(Provider provider) {
        try {
            NativeForm made = new NativeForm(provider,
                    (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key));
            nativeForm = made;
            return made;
        } catch (GeneralSecurityException | RuntimeException e) {
            return refused(provider, e);
        }
    }

    /** Remembers that {@code provider} will not use this key, and says so once, without the key. */
    private NativeForm refused(Provider provider, Throwable reason) {
        NativeForm refusal = new NativeForm(provider, null);
        nativeForm = refusal;
        LOG.log(System.Logger.Level.WARNING, "{0} refuses the {1} key; the JDK and BouncyCastle use it instead: {2}",
                provider.getName(), size(), String.valueOf(reason));
        return refusal;
    }

    private String size() {
        if (key instanceof RSAKey rsa) {
            return "RSA-" + rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return "EC-" + ec.getParams().getCurve().getField().getFieldSize();
        }
        return key.getAlgorithm();
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
