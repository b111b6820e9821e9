package dev.scepter.protocol.scep;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * The content-encryption algorithm of the pkcsPKIEnvelope of a CertRep SUCCESS (RFC 8894 section
 * 3.2.2), named by OID as SCEPman's {@code AppConfig:SCEPResponseEncryptionAlgorithm} names it.
 * AES-128-CBC is the algorithm RFC 8894 section 2.9 makes mandatory; 3DES is for clients that
 * cannot take AES (strongSwan's {@code pki --scep} against some servers, old network gear).
 */
public enum ResponseEncryption {
    /** id-aes256-CBC, SCEPman's default. */
    AES_256_CBC("2.16.840.1.101.3.4.1.42"),
    /** id-aes128-CBC. */
    AES_128_CBC("2.16.840.1.101.3.4.1.2"),
    /** des-ede3-cbc. */
    DES_EDE3_CBC("1.2.840.113549.3.7");

    private final String oid;

    ResponseEncryption(String oid) {
        this.oid = oid;
    }

    /** The algorithm's OID in dotted form. */
    public String oid() {
        return oid;
    }

    ASN1ObjectIdentifier algorithm() {
        return new ASN1ObjectIdentifier(oid);
    }

    /** The algorithm with this dotted OID; empty when it is not one a CertRep may use. */
    public static Optional<ResponseEncryption> fromOid(String oid) {
        if (oid == null) {
            return Optional.empty();
        }
        String trimmed = oid.trim();
        for (ResponseEncryption encryption : values()) {
            if (encryption.oid.equals(trimmed)) {
                return Optional.of(encryption);
            }
        }
        return Optional.empty();
    }
}
