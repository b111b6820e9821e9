package dev.scepter.authority.issuance;

import java.io.IOException;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Which subject keys we certify: RSA of at least 2048 bits (NIST SP 800-131A), ECDSA on P-256,
 * P-384 or P-521, and Ed25519. Anything weaker is refused, not issued.
 */
final class PublicKeyPolicy {

    static final int MIN_RSA_BITS = 2048;
    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(
            SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);

    private PublicKeyPolicy() {
    }

    static void check(SubjectPublicKeyInfo key) throws InvalidRequestException {
        ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            int bits;
            try {
                bits = RSAPublicKey.getInstance(key.parsePublicKey()).getModulus().bitLength();
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidRequestException("the request's RSA public key cannot be read");
            }
            if (bits < MIN_RSA_BITS) {
                throw new InvalidRequestException("the request's RSA key has " + bits + " bits; at least " + MIN_RSA_BITS + " are required");
            }
            return;
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            if (key.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve && CURVES.contains(curve)) {
                return;
            }
            throw new InvalidRequestException("the request's EC key is not on P-256, P-384 or P-521");
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
            return;
        }
        throw new InvalidRequestException("the request's key algorithm " + algorithm.getId() + " is not one we certify");
    }
}
