package dev.scepter.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scepter.protocol.crypto.CryptoProviders.Operation;
import java.io.OutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The choice of providers for software keys: the native provider where it loads (this build's
 * is linux-x86_64 only), the JDK and BouncyCastle when the setting turns it off, and either's
 * signatures and unwrapped keys the same to the other side.
 */
class CryptoProvidersTest {
    private static final byte[] MESSAGE = "a CertRep's signed attributes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @AfterEach
    void restore() {
        CryptoProviders.use(CryptoProviders.select(false));
    }

    @Test
    void choosesTheNativeProviderWhereItsLibraryLoads() {
        assumeTrue(linuxX8664(), "the native provider in this build is for linux-x86_64 only");
        CryptoProviders chosen = CryptoProviders.select(true);
        assertThat(chosen.nativeLoaded()).isTrue();
        for (Operation operation : CryptoProviders.NATIVE_OPERATIONS) {
            assertThat(chosen.provider(operation)).map(Provider::getName).contains("AmazonCorrettoCryptoProvider");
        }
        assertThat(chosen.describe()).startsWith("Native crypto provider: AmazonCorrettoCryptoProvider")
                .contains("RSA signatures").contains("ECDSA signatures");
    }

    @Test
    void theSettingOffLeavesTheJdkAndBouncyCastle() {
        CryptoProviders chosen = CryptoProviders.select(false);
        assertThat(chosen.nativeLoaded()).isFalse();
        assertThat(chosen.provider(Operation.RSA_SIGNATURE)).isEmpty();
        assertThat(chosen.provider(Operation.RSA_KEY_TRANSPORT)).isEmpty();
        assertThat(chosen.provider(Operation.EC_SIGNATURE)).map(Provider::getName).contains("BC");
        assertThat(chosen.provider(Operation.EC_KEY_GENERATION)).map(Provider::getName).contains("BC");
        assertThat(chosen.describe()).contains("not used: off (AppConfig:Crypto:NativeProvider=false)");
    }

    @Test
    void signaturesOfEitherVerifyByTheOther() throws Exception {
        assumeTrue(linuxX8664(), "the native provider in this build is for linux-x86_64 only");
        KeyPair rsa = keyPair("RSA");
        KeyPair ec = keyPair("EC");
        CryptoProviders nativeProviders = CryptoProviders.select(true);
        CryptoProviders fallback = CryptoProviders.select(false);
        for (KeyPair keys : new KeyPair[] {rsa, ec}) {
            String algorithm = "RSA".equals(keys.getPrivate().getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
            Operation operation = "RSA".equals(keys.getPrivate().getAlgorithm()) ? Operation.RSA_SIGNATURE : Operation.EC_SIGNATURE;
            SoftwareKey key = SoftwareKey.of(keys.getPrivate());

            CryptoProviders.use(nativeProviders);
            byte[] byNative = sign(key.contentSigner(algorithm));
            CryptoProviders.use(fallback);
            byte[] byFallback = sign(key.contentSigner(algorithm));

            assertThat(verify(algorithm, fallback.provider(operation).orElse(null), keys.getPublic(), byNative)).isTrue();
            assertThat(verify(algorithm, nativeProviders.provider(operation).orElseThrow(), keys.getPublic(), byFallback)).isTrue();
            byte[] tampered = byNative.clone();
            tampered[tampered.length / 2] ^= 1;
            assertThat(verify(algorithm, fallback.provider(operation).orElse(null), keys.getPublic(), tampered)).isFalse();
        }
    }

    @Test
    void keyTransportUnwrapsTheSameKeyEitherWay() throws Exception {
        assumeTrue(linuxX8664(), "the native provider in this build is for linux-x86_64 only");
        KeyPair rsa = keyPair("RSA");
        SoftwareKey key = SoftwareKey.of(rsa.getPrivate());
        byte[] contentKey = new byte[32];
        Arrays.fill(contentKey, (byte) 7);
        Cipher encrypt = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        encrypt.init(Cipher.ENCRYPT_MODE, rsa.getPublic());
        byte[] wrapped = encrypt.doFinal(contentKey);

        CryptoProviders.use(CryptoProviders.select(true));
        assertThat(key.decryptKeyTransport(wrapped)).isEqualTo(contentKey);
        CryptoProviders.use(CryptoProviders.select(false));
        assertThat(key.decryptKeyTransport(wrapped)).isEqualTo(contentKey);
    }

    @Test
    void anAlgorithmTheNativeProviderLacksIsSignedByTheFallback() throws Exception {
        assumeTrue(linuxX8664(), "the native provider in this build is for linux-x86_64 only");
        KeyPair rsa = keyPair("RSA");
        CryptoProviders.use(CryptoProviders.select(true));
        byte[] signature = sign(SoftwareKey.of(rsa.getPrivate()).contentSigner("MD5withRSA"));
        assertThat(verify("MD5withRSA", null, rsa.getPublic(), signature)).isTrue();
    }

    private static KeyPair keyPair(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if ("EC".equals(algorithm)) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static byte[] sign(ContentSigner signer) throws Exception {
        try (OutputStream out = signer.getOutputStream()) {
            out.write(MESSAGE);
        }
        return signer.getSignature();
    }

    private static boolean verify(String algorithm, Provider provider, PublicKey key, byte[] signature) throws Exception {
        Signature verifier = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        verifier.initVerify(key);
        verifier.update(MESSAGE);
        return verifier.verify(signature);
    }

    private static boolean linuxX8664() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").startsWith("Linux") && ("amd64".equals(arch) || "x86_64".equals(arch));
    }
}
