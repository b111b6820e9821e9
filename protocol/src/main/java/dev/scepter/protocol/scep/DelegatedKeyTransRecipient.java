package dev.scepter.protocol.scep;

import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyTransRecipient;
import org.bouncycastle.cms.RecipientOperator;
import org.bouncycastle.jcajce.io.CipherInputStream;
import org.bouncycastle.operator.InputDecryptor;

/**
 * A BouncyCastle {@link KeyTransRecipient} that has a {@link KeyTransportDecryptor} unwrap the
 * content-encryption key and decrypts the content itself, where BouncyCastle's own recipients
 * would need the private key.
 *
 * <p>An encrypted key that does not unwrap, or unwraps to a key of the wrong length, is replaced
 * by a key derived from it with a per-process secret, and decryption goes on (the "random
 * filling" countermeasure of RFC 3218): an envelope with a bad key then fails like one with a good
 * key and bad content, so a client cannot use the server as an RSA PKCS#1 v1.5 padding oracle
 * (Bleichenbacher's attack) by telling the two failures apart.
 */
final class DelegatedKeyTransRecipient implements KeyTransRecipient {
    private static final String REJECTION_MAC = "HmacSHA256";
    private static final SecretKey REJECTION_SECRET = rejectionSecret();

    private final KeyTransportDecryptor decryptor;
    private final ContentEncryption encryption;
    private RuntimeException decryptorFailure;

    DelegatedKeyTransRecipient(KeyTransportDecryptor decryptor, ContentEncryption encryption) {
        this.decryptor = Objects.requireNonNull(decryptor, "decryptor");
        this.encryption = Objects.requireNonNull(encryption, "encryption");
    }

    @Override
    public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryptionAlgorithm,
            AlgorithmIdentifier contentEncryptionAlgorithm, byte[] encryptedContentKey) throws CMSException {
        byte[] iv = iv(contentEncryptionAlgorithm);
        byte[] key = contentEncryptionKey(keyEncryptionAlgorithm, encryptedContentKey);
        Cipher cipher;
        try {
            cipher = Cipher.getInstance(encryption.transformation(), BouncyCastle.PROVIDER);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, encryption.keyAlgorithm()),
                    new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new CMSException("cannot set up " + encryption + " decryption", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        return new RecipientOperator(new InputDecryptor() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return contentEncryptionAlgorithm;
            }

            @Override
            public InputStream getInputStream(InputStream encrypted) {
                // BouncyCastle's stream, unlike javax.crypto.CipherInputStream, reports bad
                // padding as an IOException instead of ending the stream quietly.
                return new CipherInputStream(encrypted, cipher);
            }
        });
    }

    /** A runtime exception the decryptor threw (an HSM out of reach), or null. */
    RuntimeException decryptorFailure() {
        return decryptorFailure;
    }

    /** The IV: the algorithm parameters are an OCTET STRING of one block (RFC 3370, RFC 3565). */
    private byte[] iv(AlgorithmIdentifier contentEncryptionAlgorithm) throws CMSException {
        try {
            byte[] iv = ASN1OctetString.getInstance(contentEncryptionAlgorithm.getParameters()).getOctets();
            if (iv.length != encryption.ivLength()) {
                throw new CMSException(encryption + " needs a " + encryption.ivLength() + "-byte IV, not " + iv.length);
            }
            return iv;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CMSException("the " + encryption + " parameters are not an IV", e);
        }
    }

    private byte[] contentEncryptionKey(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey) {
        byte[] key;
        try {
            key = decryptor.decryptContentEncryptionKey(keyEncryptionAlgorithm, encryptedKey.clone());
        } catch (GeneralSecurityException e) {
            key = null;
        } catch (RuntimeException e) {
            decryptorFailure = e;
            throw e;
        }
        if (key == null || key.length != encryption.keyLength()) {
            return rejectionKey(encryptedKey, encryption.keyLength());
        }
        return key;
    }

    /** A key the same encrypted key always gives, so repeating a request teaches nothing either. */
    private static byte[] rejectionKey(byte[] encryptedKey, int length) {
        try {
            Mac mac = Mac.getInstance(REJECTION_MAC, BouncyCastle.PROVIDER);
            mac.init(REJECTION_SECRET);
            return Arrays.copyOf(mac.doFinal(encryptedKey), length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(REJECTION_MAC + " is part of every BouncyCastle provider", e);
        }
    }

    private static SecretKey rejectionSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new SecretKeySpec(secret, REJECTION_MAC);
    }
}
