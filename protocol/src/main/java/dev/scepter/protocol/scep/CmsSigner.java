package dev.scepter.protocol.scep;

import dev.scepter.protocol.crypto.SoftwareKey;
import java.security.PrivateKey;
import java.util.Objects;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Who signs CertReps: the CA itself, or an RA whose certificate GetCACert hands out
 * (RFC 8894 section 2.1). Like the decryptor, it hands out a signer and never a private key, so
 * an HSM or Key Vault key plugs in the same way as a software key.
 */
public interface CmsSigner {

    /** The certificate the CertRep's SignerInfo names and its SignedData carries. */
    X509CertificateHolder certificate();

    /**
     * A signer hashing with {@code digestAlgorithm}, SHA-1 or a SHA-2 algorithm: a CertRep is
     * hashed with the digest the client signed its request with, which a client that offers
     * only SHA-1 is sure to verify, and with SHA-256 when that was anything else.
     */
    ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException;

    /**
     * Whether this signer can hash with {@code digestAlgorithm}. A key kept by a service may sign
     * SHA-2 digests only (Azure Key Vault: SHA-256, -384, -512, no SHA-1): a CertRep is then
     * hashed with SHA-256 even for a client that signed with SHA-1, which every SCEP client seen
     * verifies, rather than not answered at all.
     */
    default boolean hashes(AlgorithmIdentifier digestAlgorithm) {
        return true;
    }

    /**
     * A signer for a key the JVM can use directly; RSA keys sign with PKCS#1 v1.5, EC keys with
     * ECDSA, by the provider {@link dev.scepter.protocol.crypto.CryptoProviders} chooses for a key of
     * the JDK's, BouncyCastle's or ACCP's in-memory classes. Any other key (a PKCS#11 token's, even an
     * extractable one) names none: the JCA picks one that accepts it.
     */
    static CmsSigner of(X509CertificateHolder certificate, PrivateKey privateKey) {
        Objects.requireNonNull(certificate, "certificate");
        SoftwareKey key = SoftwareKey.of(privateKey);
        return new CmsSigner() {
            @Override
            public X509CertificateHolder certificate() {
                return certificate;
            }

            @Override
            public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm)
                    throws OperatorCreationException {
                return key.contentSigner(signatureAlgorithm(digestAlgorithm, key.algorithm()));
            }

            @Override
            public String toString() {
                return "CmsSigner[" + certificate.getSubject() + "]";
            }
        };
    }

    private static String signatureAlgorithm(AlgorithmIdentifier digestAlgorithm, String keyAlgorithm)
            throws OperatorCreationException {
        var digest = digestAlgorithm.getAlgorithm();
        String digestName;
        if (OIWObjectIdentifiers.idSHA1.equals(digest)) {
            digestName = "SHA1";
        } else if (NISTObjectIdentifiers.id_sha224.equals(digest)) {
            digestName = "SHA224";
        } else if (NISTObjectIdentifiers.id_sha256.equals(digest)) {
            digestName = "SHA256";
        } else if (NISTObjectIdentifiers.id_sha384.equals(digest)) {
            digestName = "SHA384";
        } else if (NISTObjectIdentifiers.id_sha512.equals(digest)) {
            digestName = "SHA512";
        } else {
            throw new OperatorCreationException("no signature with digest " + digest);
        }
        switch (keyAlgorithm) {
            case "RSA":
                return digestName + "withRSA";
            case "EC":
            case "ECDSA":
                return digestName + "withECDSA";
            default:
                throw new OperatorCreationException("no CMS signature with a " + keyAlgorithm + " key");
        }
    }
}
