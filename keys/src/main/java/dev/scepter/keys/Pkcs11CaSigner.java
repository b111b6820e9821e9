package dev.scepter.keys;

import dev.scepter.authority.ca.CaDecrypter;
import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.authority.ca.CaSigner;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.util.Objects;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A key in a PKCS#11 token (the CA's, or the SCEP RA's), used through the token's SunPKCS11
 * provider: the signature and the key-transport decryption happen in the token, and the key,
 * sensitive and not extractable, is only a handle here.
 */
final class Pkcs11CaSigner implements CaSigner, CaDecrypter {

    private final Provider provider;
    private final PrivateKey key;
    private final X509CertificateHolder certificate;
    private final String description;

    Pkcs11CaSigner(Provider provider, PrivateKey key, X509CertificateHolder certificate, String description) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.key = Objects.requireNonNull(key, "key");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public X509CertificateHolder certificate() {
        return certificate;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A token that fails while it signs (removed, its session or login gone, the custody
     * closed) is a {@link CaKeyUnavailableException}: the caller answers "try later" in its
     * protocol's terms, as for a vault that throttles, never as a fault of its own.
     */
    @Override
    public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
        String digest = new DefaultAlgorithmNameFinder().getAlgorithmName(digestAlgorithm).replace("-", "");
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(Pkcs12CaSigner.signatureAlgorithm(digest, key)).setProvider(provider).build(key);
        } catch (ProviderException e) {
            throw unavailable("sign", e);
        }
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return signer.getAlgorithmIdentifier();
            }

            @Override
            public OutputStream getOutputStream() {
                return signer.getOutputStream();
            }

            @Override
            public byte[] getSignature() {
                try {
                    return signer.getSignature();
                } catch (ProviderException | RuntimeOperatorException e) {
                    throw unavailable("sign", e);
                }
            }
        };
    }

    private CaKeyUnavailableException unavailable(String operation, Exception e) {
        return new CaKeyUnavailableException("The " + description + " did not " + operation + ": " + Pkcs11Token.innermost(e), e);
    }

    @Override
    public byte[] decryptContentEncryptionKey(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey)
            throws GeneralSecurityException {
        // RSA PKCS#1 v1.5 key transport, the only one SCEP clients use (RFC 8894 section 3.2.2): C_Decrypt in the token.
        if (!"RSA".equals(key.getAlgorithm())) {
            throw new InvalidKeyException("a " + key.getAlgorithm() + " key cannot unwrap a key-transport key");
        }
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding", provider);
        try {
            // Nothing of the client's is used yet: a failure here is the token's (gone, logged out).
            cipher.init(Cipher.DECRYPT_MODE, key);
        } catch (InvalidKeyException | ProviderException e) {
            throw unavailable("decrypt", e);
        }
        try {
            return cipher.doFinal(encryptedKey);
        } catch (ProviderException e) {
            throw unavailable("decrypt", e);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            // SunPKCS11 makes every failure of C_Decrypt a BadPaddingException, the token's own (removed, session or
            // login lost, a network HSM's time-out) as well: only an envelope the token refuses as data is the client's.
            Fault fault = fault(e);
            if (fault == Fault.CLIENT || fault == Fault.UNCLEAR && decryptsAProbe()) {
                throw e;
            }
            throw unavailable("decrypt", e);
        }
    }

    /** Whose a failed decryption is. */
    enum Fault {
        /** The envelope's: badMessageCheck. */
        CLIENT,
        /** The token's: try later. */
        TOKEN,
        /** A return value tokens give for either (SoftHSM2 answers a block with bad padding CKR_GENERAL_ERROR). */
        UNCLEAR
    }

    /**
     * The PKCS#11 return values that say the encrypted key itself is wrong (not an RSA block of this
     * key, bad padding, the wrong length). Tokens differ in which of these they use.
     */
    private static final java.util.Set<String> DATA_ERRORS = java.util.Set.of("CKR_ENCRYPTED_DATA_INVALID",
            "CKR_ENCRYPTED_DATA_LEN_RANGE", "CKR_DATA_INVALID", "CKR_DATA_LEN_RANGE");

    /** Return values that some tokens give for bad data as well as for their own failures. */
    private static final java.util.Set<String> UNCLEAR_ERRORS = java.util.Set.of("CKR_GENERAL_ERROR", "CKR_FUNCTION_FAILED");

    /** The class SunPKCS11 reports a token's return value with (not exported by its module: known by name). */
    private static final String PKCS11_EXCEPTION = "sun.security.pkcs11.wrapper.PKCS11Exception";

    /**
     * Whose a failed decryption is, by the token's return value: the data's codes are the client's;
     * a failure with no return value is the JDK's own check of the input (a block longer than the
     * key), the client's too; every other code (device removed or in error, session closed, user not
     * logged in, a network HSM's time-out) is the token's.
     */
    static Fault fault(GeneralSecurityException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (PKCS11_EXCEPTION.equals(t.getClass().getName())) {
                String code = returnValue(Objects.requireNonNullElse(t.getMessage(), ""));
                if (DATA_ERRORS.contains(code)) {
                    return Fault.CLIENT;
                }
                return UNCLEAR_ERRORS.contains(code) ? Fault.UNCLEAR : Fault.TOKEN;
            }
        }
        return Fault.CLIENT;
    }

    /** The return value's name at the start of the message (JDK 17 gives only the name, later JDKs may add text). */
    private static String returnValue(String message) {
        int end = 0;
        while (end < message.length() && (Character.isLetterOrDigit(message.charAt(end)) || message.charAt(end) == '_')) {
            end++;
        }
        return message.substring(0, end);
    }

    /**
     * Whether the token, right after a failure that could be either's, decrypts a block made for its
     * key: if it does, it is sound and logged in, and the failure was the envelope's.
     */
    private boolean decryptsAProbe() {
        try {
            byte[] secret = new byte[16];
            new java.security.SecureRandom().nextBytes(secret);
            java.security.PublicKey publicKey = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                    .getCertificate(certificate).getPublicKey();
            Cipher software = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            software.init(Cipher.ENCRYPT_MODE, publicKey);
            byte[] block = software.doFinal(secret);
            Cipher token = Cipher.getInstance("RSA/ECB/PKCS1Padding", provider);
            token.init(Cipher.DECRYPT_MODE, key);
            return java.security.MessageDigest.isEqual(secret, token.doFinal(block));
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "Pkcs11CaSigner[" + description + "]";
    }
}
