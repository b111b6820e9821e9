package dev.scepter.keys;

import dev.scepter.authority.Secrets;
import dev.scepter.authority.ca.CaDecrypter;
import dev.scepter.authority.ca.CaSigner;
import dev.scepter.protocol.crypto.SoftwareKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A key in a PKCS#12 file and its password file in the data folder (the CA's, or the SCEP RA's).
 * The key is held in memory for signing and key transport; nothing here hands it out. Opened and
 * created through {@link Pkcs12KeyCustody} only.
 */
public final class Pkcs12CaSigner implements CaSigner, CaDecrypter {

    static final String ALIAS = "scepter-ca";

    private final Path keyStoreFile;
    /** Signs and unwraps with the provider CryptoProviders chooses (native when it loads). */
    private final SoftwareKey privateKey;
    private final X509CertificateHolder certificate;
    private final java.util.List<X509CertificateHolder> chain;

    private Pkcs12CaSigner(Path keyStoreFile, PrivateKey privateKey, java.util.List<X509CertificateHolder> chain) {
        this.keyStoreFile = keyStoreFile;
        this.privateKey = SoftwareKey.of(privateKey);
        this.certificate = chain.get(0);
        this.chain = java.util.List.copyOf(chain);
    }

    /** Opens an existing CA. */
    static Pkcs12CaSigner load(Path keyStoreFile, Path passwordFile) throws IOException, GeneralSecurityException {
        char[] password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStoreFile)) {
            keyStore.load(in, password);
        }
        String alias = keyStore.containsAlias(ALIAS) ? ALIAS : keyStore.aliases().nextElement();
        if (!(keyStore.getKey(alias, password) instanceof PrivateKey key)) {
            throw new GeneralSecurityException(keyStoreFile + " holds no private key under alias " + alias);
        }
        // An intermediate CA's keystore holds its chain up to the root; GetCACert hands that out.
        Certificate[] stored = keyStore.getCertificateChain(alias);
        java.util.List<X509CertificateHolder> chain = new java.util.ArrayList<>();
        for (Certificate cert : stored == null ? new Certificate[] {keyStore.getCertificate(alias)} : stored) {
            chain.add(new X509CertificateHolder(cert.getEncoded()));
        }
        return new Pkcs12CaSigner(keyStoreFile, key, chain);
    }

    /**
     * Generates a new self-signed root CA (RFC 5280 section 4.2.1.9: CA basic constraints,
     * keyCertSign and cRLSign) and writes it with a fresh random password, both files 0600.
     */
    static Pkcs12CaSigner generate(Path keyStoreFile, Path passwordFile, RootCaSpec spec, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        KeyPair keyPair = keyPair(spec.keyType(), spec.keySize(), random);
        X509CertificateHolder certificate;
        try {
            certificate = selfSign(keyPair.getPublic(),
                    new JcaContentSignerBuilder(signatureAlgorithm("SHA256", keyPair.getPrivate())).build(keyPair.getPrivate()), spec, clock, random);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build the root CA certificate", e);
        }
        return store(keyStoreFile, passwordFile, keyPair, certificate, random);
    }

    /**
     * Generates the SCEP RA of a CA whose key cannot do key transport (an EC CA): an RSA-2048 key
     * and an end-entity certificate for it, issued by {@code ca} for as long as the CA lives, with
     * keyEncipherment (clients encrypt their requests to it, RFC 8894 section 2.1) and
     * digitalSignature (it signs the CertReps). Written like the CA, both files 0600.
     */
    static Pkcs12CaSigner generateScepRa(Path keyStoreFile, Path passwordFile, CaSigner ca, Clock clock, SecureRandom random)
            throws IOException, GeneralSecurityException {
        KeyPair keyPair = keyPair("RSA", 2048, random);
        return store(keyStoreFile, passwordFile, keyPair, scepRaCertificate(keyPair.getPublic(), ca, clock, random), random);
    }

    /**
     * The SCEP RA's certificate for {@code publicKey}, issued by {@code ca} for as long as the CA
     * lives: keyEncipherment (clients encrypt their requests to it, RFC 8894 section 2.1) and
     * digitalSignature (it signs the CertReps). Shared by every custody.
     */
    static X509CertificateHolder scepRaCertificate(java.security.PublicKey publicKey, CaSigner ca, Clock clock, SecureRandom random)
            throws GeneralSecurityException {
        X509CertificateHolder caCertificate = ca.certificate();
        RDN[] caCommonName = caCertificate.getSubject().getRDNs(BCStyle.CN);
        String caLabel = caCommonName.length > 0 ? IETFUtils.valueToString(caCommonName[0].getFirst().getValue())
                : BCStyle.INSTANCE.toString(caCertificate.getSubject());
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "SCEP RA of " + caLabel).build();
        Instant now = clock.instant();
        byte[] serial = new byte[16];
        random.nextBytes(serial);
        serial[0] &= 0x7F;
        SubjectPublicKeyInfo publicKeyInfo = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(caCertificate.getSubject(), new BigInteger(1, serial).setBit(120),
                Date.from(now.minus(Duration.ofHours(1))), caCertificate.getNotAfter(), subject, publicKeyInfo);
        BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKeyInfo));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(caCertificate.getSubjectPublicKeyInfo()));
            return builder.build(ca.contentSigner(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)));
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build the SCEP RA certificate", e);
        }
    }

    private static KeyPair keyPair(String keyType, int keySize, SecureRandom random) throws GeneralSecurityException {
        if ("EC".equals(keyType)) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp" + keySize + "r1"), random);
            return generator.generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(keySize, random);
        return generator.generateKeyPair();
    }

    private static Pkcs12CaSigner store(Path keyStoreFile, Path passwordFile, KeyPair keyPair, X509CertificateHolder certificate,
            SecureRandom random) throws IOException, GeneralSecurityException {
        char[] password = Secrets.randomText(random, 24).toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        X509Certificate jcaCertificate = new JcaX509CertificateConverter().getCertificate(certificate);
        keyStore.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new Certificate[] {jcaCertificate});
        writeSecret(passwordFile, new String(password).getBytes(StandardCharsets.UTF_8));
        try (OutputStream out = newSecretFile(keyStoreFile)) {
            keyStore.store(out, password);
        }
        return new Pkcs12CaSigner(keyStoreFile, keyPair.getPrivate(), java.util.List.of(certificate));
    }

    /**
     * A self-signed root CA certificate for {@code publicKey} (RFC 5280 section 4.2.1.9: CA basic
     * constraints, keyCertSign and cRLSign), signed by {@code signer}, its own key wherever that is kept.
     */
    static X509CertificateHolder selfSign(java.security.PublicKey publicKeyOfCa, ContentSigner signer, RootCaSpec spec, Clock clock,
            SecureRandom random) throws GeneralSecurityException {
        X500Name subject = new X500Name(spec.subject());
        Instant now = clock.instant();
        byte[] serial = new byte[16];
        random.nextBytes(serial);
        serial[0] &= 0x7F;
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(publicKeyOfCa.getEncoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, new BigInteger(1, serial).setBit(120),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(spec.validityDays()))), subject, publicKey);
        BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            if (spec.addExtendedKeyUsage()) {
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
            }
            return builder.build(signer);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the root CA certificate", e);
        }
    }

    @Override
    public X509CertificateHolder certificate() {
        return certificate;
    }

    @Override
    public java.util.List<X509CertificateHolder> chain() {
        return chain;
    }

    @Override
    public ContentSigner contentSigner(AlgorithmIdentifier digestAlgorithm) throws OperatorCreationException {
        String digest = new DefaultAlgorithmNameFinder().getAlgorithmName(digestAlgorithm).replace("-", "");
        return privateKey.contentSigner(signatureAlgorithm(digest, privateKey.algorithm()));
    }

    static String signatureAlgorithm(String digest, PrivateKey key) {
        return signatureAlgorithm(digest, key.getAlgorithm());
    }

    private static String signatureAlgorithm(String digest, String keyAlgorithm) {
        return digest + ("RSA".equals(keyAlgorithm) ? "withRSA" : "withECDSA");
    }

    @Override
    public byte[] decryptContentEncryptionKey(AlgorithmIdentifier keyEncryptionAlgorithm, byte[] encryptedKey)
            throws GeneralSecurityException {
        // RSA PKCS#1 v1.5 key transport, the only one SCEP clients use (RFC 8894 section 3.2.2).
        return privateKey.decryptKeyTransport(encryptedKey);
    }

    @Override
    public String describe() {
        return "PKCS#12 file " + keyStoreFile.getFileName();
    }

    @Override
    public String toString() {
        return "Pkcs12CaSigner[" + keyStoreFile + "]";
    }

    /** Writes a secret file readable by its owner only. */
    public static void writeSecret(Path file, byte[] content) throws IOException {
        try (OutputStream out = newSecretFile(file)) {
            out.write(content);
        }
    }

    private static OutputStream newSecretFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        return Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING);
    }

}
