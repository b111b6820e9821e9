package dev.scepter.certmaster.forms;

import java.io.IOException;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * The file a form's key leaves in, once: PKCS#12 or PEM, encrypted under a generated password.
 * Built in memory for the one response that carries it; nothing here keeps it.
 */
public enum KeyDelivery {
    /**
     * PKCS#12 as OpenSSL 3 and Windows Server 2019+ write it by default: key and certificates
     * under PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC, RFC 8018), MAC with SHA-256 (RFC 7292 appendix B).
     */
    PKCS12("pkcs12", "PKCS#12 (AES-256, SHA-256)", ".p12"),
    /**
     * PKCS#12 for systems that read nothing newer (macOS before 14, Windows Server 2016, old
     * Java): the key and the certificates under pbeWithSHAAnd3-KeyTripleDES-CBC, MAC with SHA-1
     * (Windows' "TripleDES-SHA1" export). Not RC2-40 for the certificates, as OpenSSL 1.x wrote
     * it: RC2 is in OpenSSL 3's legacy provider, 3DES is not, so OpenSSL 3 opens this without
     * {@code -legacy}, and every old reader takes 3DES.
     */
    PKCS12_LEGACY("pkcs12-legacy", "PKCS#12 legacy (3DES, SHA-1) for old systems", ".p12"),
    /** PEM: the key as encrypted PKCS#8 (PBES2, AES-256-CBC, PBKDF2 with HMAC-SHA-256), then the certificate and the CA's. */
    PEM("pem", "PEM (encrypted PKCS#8 key, certificate, CA certificate)", ".pem");

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    /** PBKDF2 iterations: OpenSSL 3's default for PKCS#12 (2048) is low; 600,000 is OWASP's for HMAC-SHA-256, too slow for old devices. */
    private static final int ITERATIONS = 100_000;
    private static final int LEGACY_ITERATIONS = 2048;

    private final String formValue;
    private final String label;
    private final String extension;

    KeyDelivery(String formValue, String label, String extension) {
        this.formValue = formValue;
        this.label = label;
        this.extension = extension;
    }

    public String formValue() {
        return formValue;
    }

    public String label() {
        return label;
    }

    public String extension() {
        return extension;
    }

    public String mediaType() {
        return this == PEM ? "application/x-pem-file" : "application/x-pkcs12";
    }

    public static java.util.Optional<KeyDelivery> byFormValue(String value) {
        return java.util.Arrays.stream(values()).filter(d -> d.formValue.equals(value)).findFirst();
    }

    /**
     * The file: the key, the certificate and the chain above it, under the password.
     *
     * @param friendlyName the name Windows and macOS show for the key (PKCS#12 only)
     */
    public byte[] write(PrivateKey key, X509Certificate certificate, List<X509Certificate> chain, char[] password, String friendlyName) {
        try {
            return this == PEM ? pem(key, certificate, chain, password) : pkcs12(key, certificate, chain, password, friendlyName);
        } catch (IOException | OperatorCreationException | PKCSException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the key could not be packed", e);
        }
    }

    private byte[] pkcs12(PrivateKey key, X509Certificate certificate, List<X509Certificate> chain, char[] password, String friendlyName)
            throws IOException, OperatorCreationException, PKCSException, java.security.GeneralSecurityException {
        boolean legacy = this == PKCS12_LEGACY;
        OutputEncryptor keyEncryptor;
        OutputEncryptor certificateEncryptor;
        PKCS12MacCalculatorBuilder mac;
        if (legacy) {
            keyEncryptor = new JcePKCSPBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC).setProvider(BC)
                    .setIterationCount(LEGACY_ITERATIONS).build(password);
            certificateEncryptor = new JcePKCSPBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC).setProvider(BC)
                    .setIterationCount(LEGACY_ITERATIONS).build(password);
            mac = new JcePKCS12MacCalculatorBuilder(org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1).setIterationCount(LEGACY_ITERATIONS).setProvider(BC);
        } else {
            keyEncryptor = pbes2(password);
            certificateEncryptor = pbes2(password);
            mac = new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256).setIterationCount(ITERATIONS).setProvider(BC);
        }
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        SubjectKeyIdentifier keyId = utils.createSubjectKeyIdentifier(certificate.getPublicKey());
        JcaPKCS12SafeBagBuilder certificateBag = new JcaPKCS12SafeBagBuilder(certificate);
        certificateBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new org.bouncycastle.asn1.DERBMPString(friendlyName));
        certificateBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);
        PKCS12SafeBag[] certificates = new PKCS12SafeBag[1 + chain.size()];
        certificates[0] = certificateBag.build();
        for (int i = 0; i < chain.size(); i++) {
            certificates[i + 1] = new JcaPKCS12SafeBagBuilder(chain.get(i)).build();
        }
        JcaPKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(key, keyEncryptor);
        keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new org.bouncycastle.asn1.DERBMPString(friendlyName));
        keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);
        PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
        pfx.addEncryptedData(certificateEncryptor, certificates);
        pfx.addData(keyBag.build());
        PKCS12PfxPdu pdu = pfx.build(mac, password);
        return pdu.getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
    }

    private static OutputEncryptor pbes2(char[] password) throws OperatorCreationException {
        return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                .setPRF(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256,
                        org.bouncycastle.asn1.DERNull.INSTANCE))
                .setIterationCount(ITERATIONS).setProvider(BC).build(password);
    }

    private static byte[] pem(PrivateKey key, X509Certificate certificate, List<X509Certificate> chain, char[] password)
            throws IOException, OperatorCreationException {
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(BC)
                .setPRF(JcaPKCS8Generator.PRF_HMACSHA256).setIterationCount(ITERATIONS).setPassword(password).build();
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, encryptor));
            writer.writeObject(certificate);
            for (X509Certificate above : chain) {
                writer.writeObject(above);
            }
        }
        return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
