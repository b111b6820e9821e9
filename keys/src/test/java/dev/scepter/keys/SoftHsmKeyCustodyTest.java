package dev.scepter.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.ca.CaKeyUnavailableException;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key contract on a real SoftHSM2 token through SunPKCS11, chosen by the settings as the
 * server and the installer choose it; and what is particular to a token: the key cannot be
 * exported, and a wrong PIN or a missing token stops with a message naming the setting.
 */
class SoftHsmKeyCustodyTest extends KeyCustodyContractTest {

    private static final String LIBRARY = "AppConfig:KeyVaultConfig:Pkcs11:Library";

    @TempDir
    Path dataDir;

    private SoftHsm.Token token;
    private Map<String, String> values;

    @BeforeEach
    void initialiseToken() throws Exception {
        token = SoftHsm.newToken();
        Path pinFile = dataDir.resolve("pin");
        Files.writeString(pinFile, token.pin() + "\n", StandardCharsets.UTF_8);
        values = new HashMap<>(Map.of(LIBRARY, SoftHsm.LIBRARY.toString(),
                "AppConfig:KeyVaultConfig:Pkcs11:Slot", String.valueOf(token.slot()),
                "AppConfig:KeyVaultConfig:Pkcs11:PinFile", pinFile.toString()));
    }

    @Override
    protected KeyCustody create(RootCaSpec spec) throws Exception {
        return create(spec, Clock.systemUTC());
    }

    @Override
    protected KeyCustody create(RootCaSpec spec, Clock clock) throws Exception {
        return Pkcs11KeyCustody.createRootCa(token(), spec, clock, new SecureRandom());
    }

    @Override
    protected KeyCustody reopen() throws Exception {
        return Pkcs11KeyCustody.open(token());
    }

    @Test
    void theLibrarySettingChoosesTheTokenAndNothingIsWrittenToTheDataFolder() throws Exception {
        assertThat(Pkcs11Settings.bind(settings().raw())).isPresent();
        KeyCustody custody = create(RSA_CA);

        assertThat(custody.kind()).isEqualTo(KeyCustody.Kind.PKCS11);
        assertThat(custody.ca().describe()).isEqualTo("PKCS#11 token in slot " + token.slot() + " of libsofthsm2.so, key label scepter-ca");
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("pin");
        }
    }

    @Test
    void theKeyIsGeneratedSensitiveAndCannotBeExported() throws Exception {
        create(RSA_CA);

        // Logged in independently, as anyone holding the PIN could: the key is a handle, its value stays in the token.
        Provider provider = Security.getProvider("SunPKCS11").configure("--name = export-check\nlibrary = " + SoftHsm.LIBRARY
                + "\nslot = " + token.slot() + "\n");
        KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
        keyStore.load(null, token.pin().toCharArray());
        Key key = keyStore.getKey("scepter-ca", null);
        assertThat(key).isInstanceOf(PrivateKey.class);
        assertThat(key.getEncoded()).isNull();
        KeyFactory factory = KeyFactory.getInstance("RSA", provider);
        assertThatThrownBy(() -> factory.getKeySpec(key, RSAPrivateCrtKeySpec.class)).isNotNull();
        assertThatThrownBy(() -> factory.getKeySpec(key, PKCS8EncodedKeySpec.class)).isNotNull();
    }

    @Test
    void anExistingKeyLabelIsNeverReplaced() throws Exception {
        KeyCustody first = create(RSA_CA);

        assertThatThrownBy(() -> create(RSA_CA)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holds an object labelled 'scepter-ca' (AppConfig:KeyVaultConfig:Pkcs11:KeyLabel)");
        assertThat(reopen().ca().certificate()).isEqualTo(first.ca().certificate());
    }

    @Test
    void aWrongPinStopsNamingTheSetting() throws Exception {
        // On a token this process never logged in to: a token session stays logged in, as a server's does.
        values.remove("AppConfig:KeyVaultConfig:Pkcs11:PinFile");
        values.put("AppConfig:KeyVaultConfig:Pkcs11:Pin", "9999");

        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused the PIN of AppConfig:KeyVaultConfig:Pkcs11:PinFile (or AppConfig:KeyVaultConfig:Pkcs11:Pin)")
                .hasMessageNotContaining("9999");
    }

    @Test
    void aMissingTokenStopsNamingTheSetting() throws Exception {
        values.put("AppConfig:KeyVaultConfig:Pkcs11:Slot", "4242");

        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot open the PKCS#11 token in slot 4242 of libsofthsm2.so (" + LIBRARY
                        + ", AppConfig:KeyVaultConfig:Pkcs11:Slot)");
    }

    @Test
    void aTokenWithoutTheCaKeyNamesTheKeyLabel() throws Exception {
        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no key with its certificate labelled 'scepter-ca' (AppConfig:KeyVaultConfig:Pkcs11:KeyLabel)");
    }

    @Test
    void aMissingPinOrLibraryIsNamed() {
        values.remove("AppConfig:KeyVaultConfig:Pkcs11:PinFile");
        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set AppConfig:KeyVaultConfig:Pkcs11:PinFile");
        values.put(LIBRARY, dataDir.resolve("nowhere.so").toString());
        assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(LIBRARY + " names " + dataDir.resolve("nowhere.so") + ", which is not a file");
    }

    @Test
    void repeatedOpensShareOneProviderAndTheLastCloseLogsTheTokenOut() throws Exception {
        create(RSA_CA).close();
        int providers = Pkcs11Token.providersMade();
        java.util.List<Pkcs11KeyCustody> opened = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            opened.add(Pkcs11KeyCustody.open(token()));
        }

        assertThat(Pkcs11Token.providersMade()).as("providers made by five opens of a token that has one").isEqualTo(providers);
        assertThat(opened).extracting(Pkcs11KeyCustody::provider).containsOnly(opened.get(0).provider());
        Pkcs11KeyCustody last = opened.remove(4);
        opened.forEach(Pkcs11KeyCustody::close);
        opened.get(0).close();
        // Another custody still open: the token stays logged in for it.
        assertSignsVerifiably(last.ca(), last.ca().certificate());

        last.close();
        // Logged out: a try-later for the caller (a CertRep FAILURE, a 503), as a token pulled out while serving is.
        assertThatThrownBy(() -> assertSignsVerifiably(last.ca(), last.ca().certificate()))
                .as("a key of a token whose last custody closed").isInstanceOf(CaKeyUnavailableException.class)
                .hasMessageStartingWith("The PKCS#11 token in slot " + token.slot() + " of libsofthsm2.so, key label scepter-ca did not sign");
        assertThatThrownBy(() -> ((dev.scepter.authority.ca.CaDecrypter) last.ca()).decryptContentEncryptionKey(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption),
                new byte[256])).isInstanceOf(CaKeyUnavailableException.class).hasMessageContaining("did not decrypt");
        // Opened again: logged in again through the same provider.
        try (KeyCustody again = reopen()) {
            assertSignsVerifiably(again.ca(), again.ca().certificate());
        }
        assertThat(Pkcs11Token.providersMade()).isEqualTo(providers);
    }

    @Test
    void anEnvelopeTheTokenRefusesIsTheClientsAndATokenFailureInDecryptIsTryLater() throws Exception {
        try (KeyCustody custody = create(RSA_CA)) {
            var decrypter = (dev.scepter.authority.ca.CaDecrypter) custody.ca();
            var rsa = new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption);
            // A block that is no RSA PKCS#1 v1.5 encryption for this key: the client's envelope, badMessageCheck.
            byte[] garbage = new byte[256];
            new SecureRandom().nextBytes(garbage);
            garbage[0] = 0x01;
            assertThatThrownBy(() -> decrypter.decryptContentEncryptionKey(rsa, garbage))
                    .isInstanceOf(javax.crypto.BadPaddingException.class).isNotInstanceOf(CaKeyUnavailableException.class);
            assertThatThrownBy(() -> decrypter.decryptContentEncryptionKey(rsa, new byte[300]))
                    .as("longer than the key").isNotInstanceOf(CaKeyUnavailableException.class);
            assertThatThrownBy(() -> decrypter.decryptContentEncryptionKey(rsa, new byte[255]))
                    .as("shorter than the key").isInstanceOf(javax.crypto.BadPaddingException.class)
                    .isNotInstanceOf(CaKeyUnavailableException.class);

            // The token's own return values, as SunPKCS11 reports a failed C_Decrypt (every one a BadPaddingException).
            Pkcs11Token held = Pkcs11Token.acquire(token());
            Throwable refused;
            Throwable notLoggedIn;
            try {
                PrivateKey key = (PrivateKey) held.keyStore().getKey("scepter-ca", null);
                javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("RSA/ECB/PKCS1Padding", held.provider());
                cipher.init(javax.crypto.Cipher.DECRYPT_MODE, key);
                refused = org.assertj.core.api.Assertions.catchThrowable(() -> cipher.doFinal(garbage));
                ((java.security.AuthProvider) held.provider()).logout();
                notLoggedIn = org.assertj.core.api.Assertions.catchThrowable(() -> cipher.init(javax.crypto.Cipher.DECRYPT_MODE, key));
            } finally {
                held.release();
            }
            assertThat(refused).isInstanceOf(javax.crypto.BadPaddingException.class);
            assertThat(refused.getCause().getClass().getName()).isEqualTo("sun.security.pkcs11.wrapper.PKCS11Exception");
            // SoftHSM2 answers bad padding CKR_GENERAL_ERROR, which other tokens give for their own failures: the probe decides.
            assertThat(refused.getCause().getMessage()).isEqualTo("CKR_GENERAL_ERROR");
            assertThat(Pkcs11CaSigner.fault((javax.crypto.BadPaddingException) refused)).isEqualTo(Pkcs11CaSigner.Fault.UNCLEAR);
            Throwable tokenError = notLoggedIn.getCause();
            assertThat(tokenError.getClass().getName()).isEqualTo("sun.security.pkcs11.wrapper.PKCS11Exception");
            assertThat(tokenError.getMessage()).startsWith("CKR_").doesNotContain("DATA");
            var asDoFinalReportsIt = (javax.crypto.BadPaddingException) new javax.crypto.BadPaddingException("doFinal() failed").initCause(tokenError);
            assertThat(Pkcs11CaSigner.fault(asDoFinalReportsIt)).as(tokenError.getMessage()).isEqualTo(Pkcs11CaSigner.Fault.TOKEN);
            assertThat(Pkcs11CaSigner.fault(new javax.crypto.IllegalBlockSizeException("Data must not be longer than 256 bytes")))
                    .isEqualTo(Pkcs11CaSigner.Fault.CLIENT);
        }
    }

    @Test
    void aTokenInUseRefusesAnotherPinAsItRefusesOneWhenNotLoggedIn() throws Exception {
        try (KeyCustody custody = create(RSA_CA)) {
            values.remove("AppConfig:KeyVaultConfig:Pkcs11:PinFile");
            values.put("AppConfig:KeyVaultConfig:Pkcs11:Pin", "9999");

            // The token, logged in for the custody, would take any PIN: the process holds it to the one it logged in with.
            assertThatThrownBy(this::reopen).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("refused the PIN of AppConfig:KeyVaultConfig:Pkcs11:PinFile");
        }
    }

    @Test
    void aRootCaThatFailsAfterItsKeyWasGeneratedLeavesNoKeyInTheTokenAndARetrySucceeds() throws Exception {
        long objects = SoftHsm.objects();

        // The clock is read for the certificate, after the key pair was generated in the token.
        assertThatThrownBy(() -> create(EC_CA, BROKEN_CLOCK)).hasMessageContaining("clock broken");

        assertThat(SoftHsm.objects()).as("token objects after the failed root CA").isEqualTo(objects);
        assertThatThrownBy(this::reopen).hasMessageContaining("holds no key with its certificate labelled 'scepter-ca'");
        KeyCustody created = create(EC_CA);
        assertThat(reopen().ca().certificate()).isEqualTo(created.ca().certificate());
        assertThat(SoftHsm.objects()).as("the CA's key and certificate").isEqualTo(objects + 2);
    }

    @Test
    void aPendingKeyThatACrashedRunLeftIsDeletedByTheNextRun() throws Exception {
        // What a run that died between generating the CA key and certifying it leaves: a key labelled scepter-ca-pending.
        Pkcs11Token held = Pkcs11Token.acquire(token());
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC", held.provider());
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.KeyPair left = generator.generateKeyPair();
            java.security.KeyPairGenerator software = java.security.KeyPairGenerator.getInstance("EC");
            software.initialize(256);
            org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=left behind");
            var certificate = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.TWO,
                    new java.util.Date(), new java.util.Date(System.currentTimeMillis() + 86_400_000L), name, left.getPublic())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                            .build(software.generateKeyPair().getPrivate()));
            held.keyStore().setKeyEntry("scepter-ca-pending", left.getPrivate(), null,
                    new java.security.cert.Certificate[] {new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(certificate)});
        } finally {
            held.release();
        }
        long objects = SoftHsm.objects();

        KeyCustody created = create(EC_CA);

        assertThat(SoftHsm.objects()).as("the left key and its certificate gone, the CA's key and certificate made").isEqualTo(objects);
        Pkcs11Token again = Pkcs11Token.acquire(token());
        try {
            assertThat(java.util.Collections.list(again.keyStore().aliases())).containsExactly("scepter-ca");
        } finally {
            again.release();
        }
        assertThat(reopen().ca().certificate()).isEqualTo(created.ca().certificate());
    }

    @Test
    void anRaKeyIsMadeUnderAPendingLabelAndOneACrashedRunLeftIsDeleted() throws Exception {
        KeyCustody custody = create(EC_CA);
        // What a run that died between generating the RA key and certifying it leaves: scepter-ca-scep-ra-pending, a placeholder.
        Pkcs11Token held = Pkcs11Token.acquire(token());
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA", held.provider());
            generator.initialize(2048);
            java.security.KeyPair left = generator.generateKeyPair();
            java.security.KeyPairGenerator software = java.security.KeyPairGenerator.getInstance("EC");
            software.initialize(256);
            org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=Scepter key being made");
            var certificate = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                    new java.util.Date(), new java.util.Date(System.currentTimeMillis() + 86_400_000L), name, left.getPublic())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                            .build(software.generateKeyPair().getPrivate()));
            held.keyStore().setKeyEntry("scepter-ca-scep-ra-pending", left.getPrivate(), null,
                    new java.security.cert.Certificate[] {new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(certificate)});
        } finally {
            held.release();
        }
        assertThatThrownBy(() -> reopen().scepKey()).as("a pending RA is no RA").hasMessageContaining("run complete-installation to create it");
        long objects = SoftHsm.objects();

        custody.createScepRa(Clock.systemUTC(), new SecureRandom());

        Pkcs11Token again = Pkcs11Token.acquire(token());
        try {
            assertThat(java.util.Collections.list(again.keyStore().aliases())).containsExactlyInAnyOrder("scepter-ca", "scepter-ca-scep-ra");
        } finally {
            again.release();
        }
        assertThat(SoftHsm.objects()).as("the left key and its placeholder gone, the RA's key and certificate made").isEqualTo(objects);
        var ra = reopen().scepKey().raCertificate().orElseThrow();
        assertDecryptsScepRequestsTo(reopen().scepKey(), ra);
    }

    @Test
    void aFailedRaReplacementKeepsTheOldRaAndLeavesNothingBehind() throws Exception {
        KeyCustody custody = create(EC_CA);
        custody.createScepRa(Clock.systemUTC(), new SecureRandom());
        var ra = custody.scepKey().raCertificate().orElseThrow();
        long objects = SoftHsm.objects();

        assertThatThrownBy(() -> custody.createScepRa(BROKEN_CLOCK, new SecureRandom())).hasMessageContaining("clock broken");

        assertThat(custody.scepKey().raCertificate()).contains(ra);
        assertThat(reopen().scepKey().raCertificate()).contains(ra);
        assertThat(SoftHsm.objects()).as("token objects after the failed replacement").isEqualTo(objects);
        assertDecryptsScepRequestsTo(custody.scepKey(), ra);

        custody.createScepRa(Clock.systemUTC(), new SecureRandom());
        var replaced = reopen().scepKey().raCertificate().orElseThrow();
        assertThat(replaced).isNotEqualTo(ra);
        assertThat(SoftHsm.objects()).as("the new RA took the old one's place").isEqualTo(objects);
        assertDecryptsScepRequestsTo(reopen().scepKey(), replaced);
    }

    /** A clock that fails when read. */
    private static final Clock BROKEN_CLOCK = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            throw new IllegalStateException("clock broken");
        }
    };

    private ScepterSettings settings() throws Exception {
        return ScepterSettings.bind(RawSettings.of(values));
    }

    private Pkcs11Settings token() throws Exception {
        return Pkcs11Settings.bind(settings().raw()).orElseThrow();
    }
}
