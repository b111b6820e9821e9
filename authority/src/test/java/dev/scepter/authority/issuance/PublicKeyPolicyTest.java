package dev.scepter.authority.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scepter.authority.Csrs;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Random;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/**
 * Baseline Requirements 6.1.6's RSA key checks, on keys built from chosen numbers: each of these
 * keys BouncyCastle's key loading either accepts (751, e = 3, p^2) or is the only thing refusing
 * (a prime modulus, an even one, an even exponent), so none may rely on the provider that loads it.
 */
class PublicKeyPolicyTest {

    private static final BigInteger F4 = BigInteger.valueOf(65537);
    private static final Random RANDOM = new Random(6_1_6);
    private static final BigInteger P = BigInteger.probablePrime(1024, RANDOM);
    private static final BigInteger Q = BigInteger.probablePrime(1024, RANDOM);

    @Test
    void aProductOfTwoLargePrimesWithExponent65537Passes() {
        assertThatCode(() -> PublicKeyPolicy.checkRsaKey(P.multiply(Q), F4)).doesNotThrowAnyException();
    }

    @Test
    void aPrimeModulusIsRefused() {
        BigInteger prime = BigInteger.probablePrime(2048, RANDOM);
        assertThatThrownBy(() -> PublicKeyPolicy.checkRsaKey(prime, F4))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("a prime or the power of a prime");
    }

    @Test
    void aKeyToEncryptToIsJudgedByTheRsaChecksButNotItsSize() throws Exception {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        SubjectPublicKeyInfo prime = SubjectPublicKeyInfo.getInstance(
                rsa.generatePublic(new RSAPublicKeySpec(BigInteger.probablePrime(2048, RANDOM), F4)).getEncoded());
        assertThatThrownBy(() -> CertificateIssuer.checkEncryptionKey(prime))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("a prime or the power of a prime");
        SubjectPublicKeyInfo small = SubjectPublicKeyInfo.getInstance(rsa.generatePublic(new RSAPublicKeySpec(
                BigInteger.probablePrime(512, RANDOM).multiply(BigInteger.probablePrime(512, RANDOM)), F4)).getEncoded());
        assertThatCode(() -> CertificateIssuer.checkEncryptionKey(small)).doesNotThrowAnyException();
    }

    @Test
    void theSquareOfAPrimeIsRefused() {
        assertThatThrownBy(() -> PublicKeyPolicy.checkRsaKey(P.multiply(P), F4))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("a prime or the power of a prime");
    }

    @Test
    void anEvenModulusIsRefused() {
        assertThatThrownBy(() -> PublicKeyPolicy.checkRsaKey(P.multiply(Q).add(BigInteger.ONE), F4))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("modulus is even");
    }

    @Test
    void aFactorBelow752IsRefusedAnd757IsNot() {
        // 751 is the largest prime below 752 (BouncyCastle's own list stops at 743).
        BigInteger large = BigInteger.probablePrime(2038, RANDOM);
        assertThatThrownBy(() -> PublicKeyPolicy.checkRsaKey(large.multiply(BigInteger.valueOf(751)), F4))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("smaller than 752");
        assertThatThrownBy(() -> PublicKeyPolicy.checkRsaKey(large.multiply(BigInteger.valueOf(3)), F4))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("smaller than 752");
        assertNotRefusedForASmallFactor(large.multiply(BigInteger.valueOf(757)));
    }

    @Test
    void everyOddPrimeBelow752IsFoundAsAFactor() {
        // Every prime of the product the check divides by is found: one left out of it fails here.
        BigInteger large = BigInteger.probablePrime(2038, RANDOM);
        int found = 0;
        for (int p = 3; p < 752; p += 2) {
            BigInteger prime = BigInteger.valueOf(p);
            if (prime.isProbablePrime(64)) {
                assertThatThrownBy(() -> PublicKeyPolicy.checkRsaKey(large.multiply(prime), F4)).as("factor %d", p)
                        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("smaller than 752");
                found++;
            }
        }
        assertThat(found).isEqualTo(132);
        // Factors just above the bound are not small ones.
        assertNotRefusedForASmallFactor(BigInteger.valueOf(757).multiply(BigInteger.valueOf(761)).multiply(large));
    }

    /**
     * Such a modulus passes the small-factor check; the Miller-Rabin round that follows may still
     * refuse it, now and then, when its random base happens to reveal 757 or 761 (a modulus with a
     * factor anyone can find), so only the small-factor refusal is ruled out.
     */
    private static void assertNotRefusedForASmallFactor(BigInteger modulus) {
        Throwable refusal = catchThrowable(() -> PublicKeyPolicy.checkRsaKey(modulus, F4));
        if (refusal != null) {
            assertThat(refusal).isInstanceOf(InvalidRequestException.class).message().doesNotContain("smaller than 752");
        }
    }

    @Test
    void anExponentOutsideTheBaselineRangeIsRefused() {
        BigInteger modulus = P.multiply(Q);
        for (BigInteger exponent : new BigInteger[] {BigInteger.valueOf(65538), BigInteger.valueOf(3), BigInteger.valueOf(65535),
                BigInteger.ONE.shiftLeft(256).add(BigInteger.ONE)}) {
            assertThatThrownBy(() -> PublicKeyPolicy.checkRsaKey(modulus, exponent)).as("exponent %s", exponent)
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("public exponent must be odd and between 2^16+1 and 2^256-1");
        }
        assertThatCode(() -> PublicKeyPolicy.checkRsaKey(modulus, BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)))
                .doesNotThrowAnyException();
    }

    @Test
    void aRequestSignedWithSuchAKeyIsRefusedByTheIssuerWhateverItsSignature() throws Exception {
        // A valid signature by a key whose modulus has the factor 751: BouncyCastle loads it, the JDK signs with it.
        BigInteger large = BigInteger.probablePrime(2038, RANDOM);
        KeyPair keys = keyPair(large.multiply(BigInteger.valueOf(751)), F4,
                BigInteger.valueOf(750).multiply(large.subtract(BigInteger.ONE)));
        SubjectPublicKeyInfo info = Csrs.forKey(keys).build().getSubjectPublicKeyInfo();
        assertThatThrownBy(() -> PublicKeyPolicy.check(info))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("smaller than 752");
    }

    /** A key pair for a modulus whose Euler totient is known. */
    static KeyPair keyPair(BigInteger modulus, BigInteger exponent, BigInteger totient) throws Exception {
        KeyFactory factory = KeyFactory.getInstance("RSA");
        return new KeyPair(factory.generatePublic(new RSAPublicKeySpec(modulus, exponent)),
                factory.generatePrivate(new RSAPrivateKeySpec(modulus, exponent.modInverse(totient))));
    }
}
