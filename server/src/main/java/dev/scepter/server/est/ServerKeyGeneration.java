package dev.scepter.server.est;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The key of an EST serverkeygen (RFC 7030 section 4.4): of the request key's kind (an EC key on
 * the same named curve, P-256, P-384 or P-521; an RSA key of its size, 2048 to 4096 bits; RSA
 * 2048 for anything else), and the request again, with the same subject and attributes (its
 * extensions), signed by the new key so that the enrollment chain's proof of possession holds.
 */
final class ServerKeyGeneration {

    /** A key made here and the request it signed; the key is never logged or kept. */
    record Generated(KeyPair keys, PKCS10CertificationRequest request) {
        @Override
        public String toString() {
            return "Generated[request=" + request.getSubject() + ", key=<hidden>]";
        }
    }

    private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, "secp256r1", SECObjectIdentifiers.secp384r1, "secp384r1",
            SECObjectIdentifiers.secp521r1, "secp521r1");

    /** RFC 7030 section 4.4.1.1's DecryptKeyIdentifier and 4.4.1.2's AsymmetricDecryptKeyIdentifier. */
    private static final Map<ASN1ObjectIdentifier, String> ENCRYPTION_ASKED = Map.of(
            new ASN1ObjectIdentifier("1.2.840.113549.1.9.16.2.37"), "DecryptKeyIdentifier",
            new ASN1ObjectIdentifier("1.2.840.113549.1.9.16.2.54"), "AsymmetricDecryptKeyIdentifier");

    private ServerKeyGeneration() {
    }

    /** The attribute by which the request asks for its key encrypted, which we do not offer; empty when none. */
    static java.util.Optional<String> encryptionAsked(PKCS10CertificationRequest csr) {
        for (Attribute attribute : csr.getAttributes()) {
            String name = ENCRYPTION_ASKED.get(attribute.getAttrType());
            if (name != null) {
                return java.util.Optional.of(name);
            }
        }
        return java.util.Optional.empty();
    }

    static Generated forRequest(PKCS10CertificationRequest csr) {
        KeyPair keys = keyLike(csr.getSubjectPublicKeyInfo());
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(csr.getSubject(), keys.getPublic());
        for (Attribute attribute : csr.getAttributes()) {
            // A challenge was for the request's own key and authorises nothing here (the token does).
            if (!attribute.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_challengePassword)) {
                builder.addAttribute(attribute.getAttrType(), attribute.getAttributeValues());
            }
        }
        try {
            String algorithm = keys.getPublic().getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new Generated(keys, builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with a key just made", e);
        }
    }

    private static KeyPair keyLike(SubjectPublicKeyInfo requested) {
        try {
            ASN1ObjectIdentifier algorithm = requested.getAlgorithm().getAlgorithm();
            ASN1Encodable parameters = requested.getAlgorithm().getParameters();
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm) && parameters instanceof ASN1ObjectIdentifier curve
                    && CURVES.containsKey(curve)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec(CURVES.get(curve)));
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(rsaBits(requested, algorithm));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a key", e);
        }
    }

    /** The request key's size, rounded up to 2048, 3072 or 4096 bits; 2048 when it is no RSA key we can read. */
    private static int rsaBits(SubjectPublicKeyInfo requested, ASN1ObjectIdentifier algorithm) {
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            return 2048;
        }
        int bits;
        try {
            bits = RSAPublicKey.getInstance(requested.parsePublicKey()).getModulus().bitLength();
        } catch (IOException | RuntimeException e) {
            return 2048;
        }
        return bits <= 2048 ? 2048 : bits <= 3072 ? 3072 : 4096;
    }
}
