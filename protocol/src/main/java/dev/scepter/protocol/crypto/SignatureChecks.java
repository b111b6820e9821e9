package dev.scepter.protocol.crypto;

import dev.scepter.protocol.crypto.CryptoProviders.Operation;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Checks signatures made with a key a client sent (a SCEP request's SignerInfo, a CSR's
 * self-signature): RSA ones with the provider {@link CryptoProviders} chooses for
 * {@link Operation#RSA_VERIFICATION} (ACCP, else the JDK), everything else with BouncyCastle.
 *
 * <p>A check the chosen provider does not pass is made again with BouncyCastle, which alone
 * decided before, so every signature it accepted is still accepted: a superset, the same signature
 * encodings, and also signatures by keys BouncyCastle refused (below). BouncyCastle takes a PKCS#1 DigestInfo
 * without the NULL parameters that some signers leave out (the JDK only since JDK-8320597,
 * AWS-LC not at all), RSA keys the JDK refuses (under 512 bits), and algorithm names the JDK
 * does not know (RSASSA-PSS as BouncyCastle names it, MD2). Only requests that would fail pay for
 * the second check.
 *
 * <p>Unlike BouncyCastle's key loading, the JDK and ACCP do not test an RSA modulus (a prime one
 * verifies; so do an even modulus or exponent, and small factors): a signature check says who holds
 * the key, not whether the key is fit to certify or to encrypt to. That is the authority's key
 * policy (on every path that issues, and for a SCEP signer's key before its CertRep is encrypted),
 * which tests each new modulus once, where BouncyCastle would test it again.
 */
public final class SignatureChecks {

    /** A check with a public key, by a provider (empty: the JCA's choice, the JDK's SunRsaSign for RSA). */
    @FunctionalInterface
    public interface Check {
        boolean passes(PublicKey key, Optional<Provider> provider) throws Exception;
    }

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private SignatureChecks() {
    }

    /**
     * Whether {@code check} passes for the key {@code keyInfo}: false for a key that cannot be
     * read, an algorithm no provider knows and a signature that does not verify alike.
     */
    public static boolean passes(SubjectPublicKeyInfo keyInfo, Check check) {
        if (keyInfo == null || keyInfo.getAlgorithm() == null) {
            return false;
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(keyInfo.getAlgorithm().getAlgorithm())) {
            Optional<Provider> chosen = CryptoProviders.current().provider(Operation.RSA_VERIFICATION);
            try {
                if (check.passes(publicKey(keyInfo, "RSA", chosen), chosen)) {
                    return true;
                }
            } catch (Exception e) {
                // BouncyCastle decides below.
            }
        }
        try {
            return check.passes(new JcaPEMKeyConverter().setProvider(BOUNCY_CASTLE).getPublicKey(keyInfo), Optional.of(BOUNCY_CASTLE));
        } catch (Exception e) {
            return false;
        }
    }

    /** The key in the provider's own form, so that its signature does not translate a foreign one at each check. */
    private static PublicKey publicKey(SubjectPublicKeyInfo keyInfo, String algorithm, Optional<Provider> provider) throws Exception {
        KeyFactory factory = provider.isPresent() ? KeyFactory.getInstance(algorithm, provider.get()) : KeyFactory.getInstance(algorithm);
        return factory.generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded(ASN1Encoding.DER)));
    }
}
