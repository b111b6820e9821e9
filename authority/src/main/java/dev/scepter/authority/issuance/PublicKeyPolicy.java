package dev.scepter.authority.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.Primes;

/**
 * Which subject keys we certify: RSA of at least 2048 bits (NIST SP 800-131A) whose public key
 * passes the checks the CA/Browser Forum Baseline Requirements 6.1.6 recommends (its SHOULDs, which
 * Scepter makes rules), ECDSA on P-256, P-384 or P-521, and Ed25519. Anything weaker is refused,
 * not issued.
 *
 * <p>The RSA checks are the authority's, on every path that issues (SCEP, EST, ACME, the API), so
 * that no path depends on which provider happened to load the key: the JDK and ACCP verify a
 * signature made with a prime modulus, whose private key anyone can compute.
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
            RSAPublicKey rsa;
            try {
                rsa = RSAPublicKey.getInstance(key.parsePublicKey());
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidRequestException("the request's RSA public key cannot be read");
            }
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new InvalidRequestException("the request's RSA key has " + bits + " bits; at least " + MIN_RSA_BITS + " are required");
            }
            checkRsaKey(rsa.getModulus(), rsa.getPublicExponent());
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

    /**
     * The RSA checks of {@link #checkRsaKey} for a key we encrypt to but do not certify (the key
     * that signed a SCEP request, to which its CertRep is encrypted): a prime modulus would let
     * anyone decrypt. The size is not judged here, nor keys of other algorithms (no key transport).
     */
    static void checkRsaKeyQuality(SubjectPublicKeyInfo key) throws InvalidRequestException {
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm())) {
            return;
        }
        RSAPublicKey rsa;
        try {
            rsa = RSAPublicKey.getInstance(key.parsePublicKey());
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidRequestException("the RSA public key cannot be read");
        }
        checkRsaKey(rsa.getModulus(), rsa.getPublicExponent());
    }

    /**
     * 2^16 + 1 and 2^256 - 1: the public exponents Baseline Requirements 6.1.6 recommends (SHOULD).
     * Its MUST is only an odd exponent of at least 3; refusing e = 3 is Scepter's own rule.
     */
    private static final BigInteger MIN_EXPONENT = BigInteger.ONE.shiftLeft(16).add(BigInteger.ONE);
    private static final BigInteger MAX_EXPONENT = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    /** The product of the odd primes below 752 (3 to 751): one gcd finds any of them in a modulus. */
    private static final BigInteger SMALL_PRIMES = smallPrimesProduct(752);
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Moduli that passed, so that the same key is tested once: an enrollment's preflight and its
     * issuance both check the key, and a retried issuance (a serial collision) checks it again.
     * A few are enough for that; this is no cache of keys met in the past.
     */
    private static final RecentModuli PASSED = new RecentModuli(64);

    /**
     * Baseline Requirements 6.1.6's recommendations (SHOULD, after NIST SP 800-89 5.3.3), here
     * rules: the public exponent odd and in [2^16 + 1, 2^256 - 1]; the modulus odd, with no prime
     * factor smaller than 752, and not the power of a prime. The last is FIPS 186-4 C.3.2's enhanced Miller-Rabin test, which SP 800-89
     * names for it: it proves the modulus composite and, unless a gcd finds a factor, not a prime
     * power. A prime modulus (whose private exponent anyone computes from the public key) fails it,
     * and so does p^k. It costs one modular exponentiation with a full-size exponent (milliseconds
     * in pure Java at 2048 bits, most of a new key's check; docs/performance.md), as BouncyCastle's
     * own check of a key it loads always did.
     */
    static void checkRsaKey(BigInteger modulus, BigInteger exponent) throws InvalidRequestException {
        if (!exponent.testBit(0) || exponent.compareTo(MIN_EXPONENT) < 0 || exponent.compareTo(MAX_EXPONENT) > 0) {
            throw new InvalidRequestException("the request's RSA public exponent must be odd and between 2^16+1 and 2^256-1");
        }
        if (!modulus.testBit(0)) {
            throw new InvalidRequestException("the request's RSA modulus is even");
        }
        if (PASSED.contains(modulus)) {
            return;
        }
        if (!modulus.gcd(SMALL_PRIMES).equals(BigInteger.ONE)) {
            throw new InvalidRequestException("the request's RSA modulus has a prime factor smaller than 752");
        }
        Primes.MROutput test = Primes.enhancedMRProbablePrimeTest(modulus, RANDOM, iterations(modulus.bitLength()));
        if (!test.isNotPrimePower()) {
            throw new InvalidRequestException("the request's RSA modulus is a prime or the power of a prime");
        }
        PASSED.add(modulus);
    }

    /** FIPS 186-4 table C.2's rounds for primes of half the modulus' size (as BouncyCastle counts them). */
    private static int iterations(int modulusBits) {
        int half = modulusBits / 2;
        return half >= 1536 ? 3 : half >= 1024 ? 4 : half >= 512 ? 7 : 50;
    }

    private static BigInteger smallPrimesProduct(int below) {
        BigInteger product = BigInteger.ONE;
        for (int n = 3; n < below; n += 2) {
            if (BigInteger.valueOf(n).isProbablePrime(64)) {
                product = product.multiply(BigInteger.valueOf(n));
            }
        }
        return product;
    }

    /** The last few values added, compared by value. */
    private static final class RecentModuli {
        private final BigInteger[] values;
        private int next;

        RecentModuli(int size) {
            values = new BigInteger[size];
        }

        synchronized boolean contains(BigInteger value) {
            for (BigInteger v : values) {
                if (value.equals(v)) {
                    return true;
                }
            }
            return false;
        }

        synchronized void add(BigInteger value) {
            values[next] = value;
            next = (next + 1) % values.length;
        }
    }
}
