package dev.scepter.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.DERNull;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RSA signatures a client sent are checked by the provider chosen for them (ACCP, else the JDK),
 * and whatever that provider does not pass by BouncyCastle, which alone decided before: every
 * signature BouncyCastle accepted is still accepted (and some by keys it refused, which the
 * authority's key policy judges).
 */
class SignatureChecksTest {

    private static final byte[] MESSAGE = "a PKCSReq's signed attributes".getBytes(StandardCharsets.US_ASCII);
    private static KeyPair rsa;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
    }

    @AfterEach
    void restore() {
        CryptoProviders.use(CryptoProviders.select(false));
    }

    @Test
    void aValidRsaSignatureIsCheckedByTheJdkAloneWithoutTheNativeProvider() throws Exception {
        CryptoProviders.use(CryptoProviders.select(false));
        List<String> tried = new ArrayList<>();

        assertThat(SignatureChecks.passes(keyInfo(rsa), verifying("SHA256withRSA", sign("SHA256withRSA", rsa), tried))).isTrue();

        assertThat(tried).containsExactly("SunRsaSign");
    }

    @Test
    void aValidRsaSignatureIsCheckedByTheNativeProviderAloneWhereItLoads() throws Exception {
        CryptoProviders chosen = CryptoProviders.select(true);
        assumeTrue(chosen.nativeLoaded(), "the native provider loads here");
        CryptoProviders.use(chosen);
        List<String> tried = new ArrayList<>();

        assertThat(SignatureChecks.passes(keyInfo(rsa), verifying("SHA256withRSA", sign("SHA256withRSA", rsa), tried))).isTrue();

        assertThat(tried).containsExactly("AmazonCorrettoCryptoProvider");
    }

    /**
     * A PKCS#1 DigestInfo without the NULL parameters (some signers leave them out): AWS-LC and
     * JDKs without JDK-8320597 refuse it, BouncyCastle accepted it, and it is still accepted.
     */
    @Test
    void aDigestInfoWithoutItsNullParametersIsStillAcceptedWithEitherChoice() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        Signature raw = Signature.getInstance("NONEwithRSA");
        raw.initSign(rsa.getPrivate());
        raw.update(new DigestInfo(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), digest).getEncoded(ASN1Encoding.DER));
        byte[] withoutNull = raw.sign();
        assertThat(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256).getParameters()).isNull();

        for (boolean nativeProvider : new boolean[] {false, true}) {
            CryptoProviders.use(CryptoProviders.select(nativeProvider));
            assertThat(SignatureChecks.passes(keyInfo(rsa), verifying("SHA256withRSA", withoutNull, new ArrayList<>())))
                    .as("native provider %s", nativeProvider).isTrue();
        }
    }

    @Test
    void aSignatureThatDoesNotVerifyIsRefusedByEveryProvider() throws Exception {
        byte[] signature = sign("SHA256withRSA", rsa);
        signature[10] ^= 1;
        List<String> tried = new ArrayList<>();

        assertThat(SignatureChecks.passes(keyInfo(rsa), verifying("SHA256withRSA", signature, tried))).isFalse();

        assertThat(tried).containsExactly("SunRsaSign", "BC");
    }

    @Test
    void anEcSignatureIsCheckedByBouncyCastle() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = generator.generateKeyPair();
        List<String> tried = new ArrayList<>();

        assertThat(SignatureChecks.passes(keyInfo(ec), verifying("SHA256withECDSA", sign("SHA256withECDSA", ec), tried))).isTrue();

        assertThat(tried).containsExactly("BC");
    }

    @Test
    void aKeyNoProviderCanReadIsRefusedWithoutAnException() {
        SubjectPublicKeyInfo garbage = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                new DERBitString(new byte[] {1, 2, 3}));

        assertThat(SignatureChecks.passes(garbage, (key, provider) -> true)).isFalse();
        assertThat(SignatureChecks.passes(null, (key, provider) -> true)).isFalse();
    }

    private static SignatureChecks.Check verifying(String algorithm, byte[] signature, List<String> tried) {
        return (key, provider) -> {
            Signature verifier = provider.isPresent() ? Signature.getInstance(algorithm, provider.get()) : Signature.getInstance(algorithm);
            tried.add(verifier.getProvider().getName());
            verifier.initVerify(key);
            verifier.update(MESSAGE);
            return verifier.verify(signature);
        };
    }

    private static byte[] sign(String algorithm, KeyPair keys) throws Exception {
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(keys.getPrivate());
        signer.update(MESSAGE);
        return signer.sign();
    }

    private static SubjectPublicKeyInfo keyInfo(KeyPair keys) {
        return SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
    }
}
