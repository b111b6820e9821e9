package dev.scepter.protocol.scep;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;

/**
 * The content-encryption algorithms a pkcsPKIEnvelope from a client may use (RFC 8894 section
 * 3.2.2 and 3.5.2: AES, DES3, and single DES, which RFC 8894 deprecates but micromdm's
 * scepclient still sends). Anything else is answered with badAlg.
 */
enum ContentEncryption {
    DES_CBC(OIWObjectIdentifiers.desCBC, "DES", 8, 8),
    DES_EDE3_CBC(PKCSObjectIdentifiers.des_EDE3_CBC, "DESede", 24, 8),
    AES_128_CBC(NISTObjectIdentifiers.id_aes128_CBC, "AES", 16, 16),
    AES_192_CBC(NISTObjectIdentifiers.id_aes192_CBC, "AES", 24, 16),
    AES_256_CBC(NISTObjectIdentifiers.id_aes256_CBC, "AES", 32, 16);

    private final ASN1ObjectIdentifier algorithm;
    private final String keyAlgorithm;
    private final int keyLength;
    private final int ivLength;

    ContentEncryption(ASN1ObjectIdentifier algorithm, String keyAlgorithm, int keyLength, int ivLength) {
        this.algorithm = algorithm;
        this.keyAlgorithm = keyAlgorithm;
        this.keyLength = keyLength;
        this.ivLength = ivLength;
    }

    /** The JCA key algorithm name. */
    String keyAlgorithm() {
        return keyAlgorithm;
    }

    /** The JCA transformation: CBC with the PKCS#5 padding RFC 5652 section 6.3 prescribes. */
    String transformation() {
        return keyAlgorithm + "/CBC/PKCS5Padding";
    }

    /** The content-encryption key length in bytes. */
    int keyLength() {
        return keyLength;
    }

    /** The IV length in bytes: the algorithm parameters are an OCTET STRING of one block. */
    int ivLength() {
        return ivLength;
    }

    static Optional<ContentEncryption> of(ASN1ObjectIdentifier algorithm) {
        for (ContentEncryption encryption : values()) {
            if (encryption.algorithm.equals(algorithm)) {
                return Optional.of(encryption);
            }
        }
        return Optional.empty();
    }
}
