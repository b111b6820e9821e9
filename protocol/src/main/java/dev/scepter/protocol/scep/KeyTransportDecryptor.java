package dev.scepter.protocol.scep;

import dev.scepter.protocol.crypto.SoftwareKey;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Unwraps the content-encryption key of a pkcsPKIEnvelope (RFC 8894 section 3.2.2: a
 * KeyTransRecipientInfo for the CA or RA certificate). The CA or RA key may sit in an HSM or in
 * Azure Key Vault, so the codec never holds a {@link PrivateKey}: it hands this function the
 * encrypted key and decrypts the content itself.
 *
 * <p>Throw {@link GeneralSecurityException} when the key cannot be unwrapped (bad padding, a key
 * that is not ours): the codec answers that as badMessageCheck. Any other exception, such as an
 * HSM or Key Vault that cannot be reached, propagates unchanged: it is not the client's fault.
 */
@FunctionalInterface
public interface KeyTransportDecryptor {

    /**
     * Decrypts {@code encryptedKey}. {@code keyEncryptionAlgorithm} is rsaEncryption
     * (1.2.840.113549.1.1.1, RSAES-PKCS1-v1_5, RFC 8017 section 7.2) for every SCEP client seen.
     */
    byte[] decryptContentEncryptionKey(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey)
            throws GeneralSecurityException;

    /**
     * A decryptor for a key the JVM can use directly: a PKCS#12 file's by the provider
     * {@link dev.scepter.protocol.crypto.CryptoProviders} chooses, a PKCS#11 key (even an extractable
     * one: decided by the key's class) through SunPKCS11 with no provider named (the JCA picks one
     * that accepts the key).
     */
    static KeyTransportDecryptor of(PrivateKey privateKey) {
        SoftwareKey key = SoftwareKey.of(privateKey);
        return (keyEncryptionAlgorithm, encryptedKey) -> {
            if (!PKCSObjectIdentifiers.rsaEncryption.equals(keyEncryptionAlgorithm.getAlgorithm())) {
                throw new java.security.NoSuchAlgorithmException(
                        "key transport " + keyEncryptionAlgorithm.getAlgorithm() + " is not RSAES-PKCS1-v1_5");
            }
            return key.decryptKeyTransport(encryptedKey);
        };
    }
}
