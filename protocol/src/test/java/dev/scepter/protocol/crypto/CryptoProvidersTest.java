package dev.scepter.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scepter.protocol.crypto.CryptoProviders.Operation;
import com.amazon.corretto.crypto.provider.SelfTestStatus;
import java.io.OutputStream;
import java.security.AlgorithmParameters;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactorySpi;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.BadPaddingException;
import javax.crypto.CipherSpi;
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
        assertThat(chosen.provider(Operation.RSA_VERIFICATION)).as("the JDK's SunRsaSign, not BouncyCastle's").isEmpty();
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
        CryptoProviders chosen = CryptoProviders.select(true);
        CryptoProviders.use(chosen);
        assertThat(chosen.provider(Operation.RSA_SIGNATURE).orElseThrow().getService("Signature", "MD5withRSA"))
                .as("the premise: ACCP has no MD5withRSA").isNull();
        SoftwareKey key = SoftwareKey.of(rsa.getPrivate());

        SoftwareKey.Signer signer = key.signer("MD5withRSA");

        assertThat(signer.provider()).as("the JDK, no provider named").isNull();
        assertThat(verify("MD5withRSA", null, rsa.getPublic(), sign(signer.signer()))).isTrue();
        assertThat(key.signer("SHA256withRSA").provider()).isSameAs(chosen.provider(Operation.RSA_SIGNATURE).orElseThrow());
    }

    @Test
    void anEncryptedKeyWithItsLeadingZeroStrippedStillDecrypts() throws Exception {
        assumeTrue(linuxX8664(), "the native provider in this build is for linux-x86_64 only");
        KeyPair rsa = keyPair("RSA");
        byte[] contentKey = new byte[32];
        Arrays.fill(contentKey, (byte) 9);
        Cipher encrypt = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        encrypt.init(Cipher.ENCRYPT_MODE, rsa.getPublic());
        byte[] wrapped;
        do {
            wrapped = encrypt.doFinal(contentKey);
        } while (wrapped[0] != 0);
        byte[] stripped = Arrays.copyOfRange(wrapped, 1, wrapped.length);
        SoftwareKey key = SoftwareKey.of(rsa.getPrivate());

        CryptoProviders.use(CryptoProviders.select(true));
        assertThat(key.decryptKeyTransport(stripped)).isEqualTo(contentKey);
        CryptoProviders.use(CryptoProviders.select(false));
        assertThat(key.decryptKeyTransport(stripped)).isEqualTo(contentKey);
    }

    @Test
    void aKeyTheNativeProviderWillNotInitWithIsUnwrappedByTheJdk() throws Exception {
        KeyPair rsa = keyPair("RSA");
        byte[] wrapped = wrap(rsa, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        Stub stub = new Stub();
        stub.refuseInit = true;
        CryptoProviders.use(CryptoProviders.examine(stub, "1", null, () -> SelfTestStatus.PASSED));
        SoftwareKey key = SoftwareKey.of(rsa.getPrivate());

        assertThat(key.decryptKeyTransport(wrapped)).hasSize(16);
        assertThat(key.decryptKeyTransport(wrapped)).hasSize(16);
        assertThat(stub.inits).as("the refusal is remembered, not tried on every request").hasValue(1);
        assertThat(key.translation(Operation.RSA_SIGNATURE).provider()).as("nor for signing").isNull();
    }

    @Test
    void aKeyTheNativeProviderWillNotTranslateIsUnwrappedByTheJdk() throws Exception {
        KeyPair rsa = keyPair("RSA");
        byte[] wrapped = wrap(rsa, new byte[16]);
        Stub stub = new Stub();
        stub.refuseTranslation = true;
        CryptoProviders.use(CryptoProviders.examine(stub, "1", null, () -> SelfTestStatus.PASSED));

        assertThat(SoftwareKey.of(rsa.getPrivate()).decryptKeyTransport(wrapped)).hasSize(16);
        assertThat(stub.inits).hasValue(0);
    }

    @Test
    void aRuntimeFailureOfTheNativeDecryptionIsBadPadding() throws Exception {
        KeyPair rsa = keyPair("RSA");
        Stub stub = new Stub();
        CryptoProviders.use(CryptoProviders.examine(stub, "1", null, () -> SelfTestStatus.PASSED));
        SoftwareKey key = SoftwareKey.of(rsa.getPrivate());

        assertThatThrownBy(() -> key.decryptKeyTransport(wrap(rsa, new byte[16])))
                .isInstanceOf(BadPaddingException.class);
        assertThat(stub.inits).as("the native provider was asked").hasValue(1);
    }

    @Test
    void aKeyOfAnotherClassIsNeverGivenToTheNativeProvider() throws Exception {
        PrivateKey real = keyPair("RSA").getPrivate();
        // As SunPKCS11's key for an extractable token key: PKCS#8 format and an encoding, but not an in-memory class.
        PrivateKey tokenLike = new PrivateKey() {
            @Override
            public String getAlgorithm() {
                return "RSA";
            }

            @Override
            public String getFormat() {
                return "PKCS#8";
            }

            @Override
            public byte[] getEncoded() {
                return real.getEncoded();
            }
        };
        CryptoProviders.use(CryptoProviders.examine(new Stub(), "1", null, () -> SelfTestStatus.PASSED));

        assertThat(SoftwareKey.inMemory(tokenLike)).isFalse();
        assertThat(SoftwareKey.of(tokenLike).translation(Operation.RSA_KEY_TRANSPORT).provider()).isNull();
        assertThat(SoftwareKey.inMemory(real)).isTrue();
        assertThat(SoftwareKey.of(real).translation(Operation.RSA_KEY_TRANSPORT).provider()).isInstanceOf(Stub.class);
    }

    @Test
    void aLibraryThatDoesNotLoadLeavesTheFallbacksAndSaysWhy() {
        CryptoProviders chosen = CryptoProviders.examine(new Stub(), "2.4.1",
                new UnsatisfiedLinkError("/tmp/amazonCorrettoCryptoProvider123/libamazonCorrettoCryptoProvider.so: failed to map segment from shared object"),
                () -> {
                    throw new AssertionError("no self-tests without a library");
                });

        assertThat(chosen.nativeLoaded()).isFalse();
        assertThat(chosen.provider(Operation.RSA_SIGNATURE)).isEmpty();
        assertThat(chosen.provider(Operation.EC_SIGNATURE)).map(Provider::getName).contains("BC");
        assertThat(chosen.describe()).startsWith("Native crypto provider not used: its native library does not load on ")
                .contains("failed to map segment");
    }

    @Test
    void failedSelfTestsLeaveTheFallbacksAndSaySo() {
        CryptoProviders chosen = CryptoProviders.examine(new Stub(), "2.4.1", null, () -> SelfTestStatus.FAILED);

        assertThat(chosen.nativeLoaded()).isFalse();
        assertThat(chosen.provider(Operation.RSA_KEY_TRANSPORT)).isEmpty();
        assertThat(chosen.describe()).startsWith("Native crypto provider not used: its self-tests did not pass (FAILED).");
    }

    @Test
    void ecKeyGenerationStaysOnBouncyCastle() {
        assumeTrue(linuxX8664(), "the native provider in this build is for linux-x86_64 only");
        assertThat(CryptoProviders.select(true).provider(Operation.EC_KEY_GENERATION)).map(Provider::getName).contains("BC");
    }

    private static byte[] wrap(KeyPair rsa, byte[] contentKey) throws Exception {
        Cipher encrypt = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        encrypt.init(Cipher.ENCRYPT_MODE, rsa.getPublic());
        return encrypt.doFinal(contentKey);
    }

    /**
     * A stand-in for the native provider: translates any key, and its RSA cipher refuses the key
     * at init or fails at doFinal with a runtime exception, as ACCP's RuntimeCryptoException.
     */
    static final class Stub extends Provider {
        volatile boolean refuseInit;
        volatile boolean refuseTranslation;
        final AtomicInteger inits = new AtomicInteger();

        Stub() {
            super("StubNative", "1", "a stand-in for ACCP");
            putService(new Service(this, "KeyFactory", "RSA", "stub", null, null) {
                @Override
                public Object newInstance(Object parameter) {
                    return new KeyFactorySpi() {
                        @Override
                        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
                            throw new InvalidKeySpecException("stub");
                        }

                        @Override
                        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
                            throw new InvalidKeySpecException("stub");
                        }

                        @Override
                        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> spec) throws InvalidKeySpecException {
                            throw new InvalidKeySpecException("stub");
                        }

                        @Override
                        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
                            if (refuseTranslation) {
                                throw new InvalidKeyException("public exponent out of range");
                            }
                            return key;
                        }
                    };
                }
            });
            putService(new Service(this, "Cipher", "RSA/ECB/PKCS1Padding", "stub", null, null) {
                @Override
                public Object newInstance(Object parameter) {
                    return new StubCipher(Stub.this);
                }
            });
        }
    }

    static final class StubCipher extends CipherSpi {
        private final Stub stub;

        StubCipher(Stub stub) {
            this.stub = stub;
        }

        @Override
        protected void engineInit(int mode, Key key, SecureRandom random) throws InvalidKeyException {
            stub.inits.incrementAndGet();
            if (stub.refuseInit) {
                throw new InvalidKeyException("RSA key parameters out of range");
            }
        }

        @Override
        protected void engineInit(int mode, Key key, AlgorithmParameterSpec params, SecureRandom random) throws InvalidKeyException {
            engineInit(mode, key, random);
        }

        @Override
        protected void engineInit(int mode, Key key, AlgorithmParameters params, SecureRandom random) throws InvalidKeyException {
            engineInit(mode, key, random);
        }

        @Override
        protected byte[] engineDoFinal(byte[] input, int offset, int length) {
            throw new IllegalStateException("Unknown error 0x0 (as ACCP's RuntimeCryptoException)");
        }

        @Override
        protected int engineDoFinal(byte[] input, int offset, int length, byte[] output, int outputOffset) {
            throw new IllegalStateException("Unknown error 0x0");
        }

        @Override
        protected byte[] engineUpdate(byte[] input, int offset, int length) {
            return new byte[0];
        }

        @Override
        protected int engineUpdate(byte[] input, int offset, int length, byte[] output, int outputOffset) {
            return 0;
        }

        @Override
        protected void engineSetMode(String mode) {
        }

        @Override
        protected void engineSetPadding(String padding) {
        }

        @Override
        protected int engineGetBlockSize() {
            return 0;
        }

        @Override
        protected int engineGetOutputSize(int length) {
            return 256;
        }

        @Override
        protected byte[] engineGetIV() {
            return null;
        }

        @Override
        protected AlgorithmParameters engineGetParameters() {
            return null;
        }
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
