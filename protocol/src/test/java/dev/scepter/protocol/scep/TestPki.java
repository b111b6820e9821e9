package dev.scepter.protocol.scep;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The keys and certificates of the tests, made once per JVM: RSA-2048 key generation is the slow
 * part of these tests. A CA, a client with a self-signed certificate and a PKCS#10 with a
 * challengePassword (what a PKCSReq carries, RFC 8894 section 2.3), and a stranger.
 */
public final class TestPki {
    public static final Provider BC = new BouncyCastleProvider();
    public static final String CHALLENGE = "s3cr3t-ch4llenge";

    public static final KeyPair CA_KEYS = rsa();
    public static final X509CertificateHolder CA_CERT = selfSigned("CN=Scepter Test CA,O=Scepter", CA_KEYS, true);

    public static final KeyPair CLIENT_KEYS = rsa();
    public static final X509CertificateHolder CLIENT_CERT = selfSigned("CN=device-0001", CLIENT_KEYS, false);
    public static final PKCS10CertificationRequest CSR = csr("CN=device-0001", CLIENT_KEYS);

    public static final KeyPair STRANGER_KEYS = rsa();
    public static final X509CertificateHolder STRANGER_CERT = selfSigned("CN=Stranger", STRANGER_KEYS, true);

    /** A certificate the CA issued to the client: what the client signs a RenewalReq with. */
    public static final X509CertificateHolder ISSUED_CERT = issue(CA_CERT, CA_KEYS.getPrivate(), "CN=device-0001",
            CLIENT_KEYS, BigInteger.valueOf(4242));

    private TestPki() {
    }

    public static CmsSigner caSigner() {
        return CmsSigner.of(CA_CERT, CA_KEYS.getPrivate());
    }

    public static KeyTransportDecryptor caDecryptor() {
        return KeyTransportDecryptor.of(CA_KEYS.getPrivate());
    }

    public static X509Certificate x509(X509CertificateHolder holder) {
        try {
            return new JcaX509CertificateConverter().setProvider(BC).getCertificate(holder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static X509CertificateHolder selfSigned(String subject, KeyPair keys, boolean ca) {
        return selfSigned(new X500Name(subject), keys, ca);
    }

    /**
     * A distinguished name of two RDNs whose first holds a [0] tagged NULL where an
     * AttributeTypeAndValue belongs: BouncyCastle builds it, and throws only when it is read.
     */
    public static X500Name unreadableName() {
        return X500Name.getInstance(new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
            new org.bouncycastle.asn1.DERSet(new org.bouncycastle.asn1.DERTaggedObject(0, org.bouncycastle.asn1.DERNull.INSTANCE)),
            new org.bouncycastle.asn1.x500.RDN(org.bouncycastle.asn1.x500.style.BCStyle.O, new org.bouncycastle.asn1.DERUTF8String("Scepter"))
        }));
    }

    public static X509CertificateHolder selfSigned(X500Name name, KeyPair keys, boolean ca) {
        return signedBy(name, name, keys, ca);
    }

    /** A certificate for {@code name} that names {@code issuer} as its issuer, signed by {@code keys}. */
    public static X509CertificateHolder signedBy(X500Name issuer, X500Name name, KeyPair keys, boolean ca) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                    Date.from(now.plus(365, ChronoUnit.DAYS)), name, keys.getPublic());
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
                                | KeyUsage.keyEncipherment));
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return builder.build(new JcaContentSignerBuilder(signatureAlgorithm(keys.getPrivate()))
                    .setProvider(BC).build(keys.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static X509CertificateHolder issue(X509CertificateHolder issuer, PrivateKey issuerKey, String subject,
            KeyPair subjectKeys, BigInteger serial) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.getSubject(), serial,
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(30, ChronoUnit.DAYS)),
                    new X500Name(subject), subjectKeys.getPublic());
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            return builder.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(issuerKey));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static PKCS10CertificationRequest csr(String subject, KeyPair keys) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(CHALLENGE))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(keys.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    }

    /** A signed CSR whose extensionRequest holds an Extension of a [0] tagged NULL and no OID. */
    public static byte[] csrWithUnreadableExtensionRequest(KeyPair keys) {
        try {
            org.bouncycastle.asn1.ASN1Encodable extensions = new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.DERSequence(
                    new org.bouncycastle.asn1.DERTaggedObject(0, org.bouncycastle.asn1.DERNull.INSTANCE)));
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions)
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A CSR as strongSwan's {@code pki --scep --san} makes it: the extensionRequest attribute before
     * the challengePassword, so its SET OF attributes is not in DER order, signed as sent.
     */
    public static byte[] csrWithAttributesOutOfDerOrder(String subject, KeyPair keys, String challenge) {
        try {
            org.bouncycastle.asn1.x509.ExtensionsGenerator extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
                    new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, "seed.example.com")));
            org.bouncycastle.asn1.ASN1EncodableVector attributes = new org.bouncycastle.asn1.ASN1EncodableVector();
            attributes.add(new org.bouncycastle.asn1.pkcs.Attribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                    new org.bouncycastle.asn1.DLSet(extensions.generate())));
            attributes.add(new org.bouncycastle.asn1.pkcs.Attribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
                    new org.bouncycastle.asn1.DLSet(new org.bouncycastle.asn1.DERUTF8String(challenge))));
            org.bouncycastle.asn1.ASN1EncodableVector info = new org.bouncycastle.asn1.ASN1EncodableVector();
            info.add(new org.bouncycastle.asn1.ASN1Integer(0));
            info.add(new X500Name(subject));
            info.add(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
            info.add(new org.bouncycastle.asn1.DLTaggedObject(false, 0, new org.bouncycastle.asn1.DLSet(attributes)));
            byte[] signedInfo = new org.bouncycastle.asn1.DLSequence(info).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DL);
            java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.getPrivate());
            signature.update(signedInfo);
            org.bouncycastle.asn1.ASN1EncodableVector request = new org.bouncycastle.asn1.ASN1EncodableVector();
            request.add(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(signedInfo));
            request.add(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption,
                    org.bouncycastle.asn1.DERNull.INSTANCE));
            request.add(new org.bouncycastle.asn1.DERBitString(signature.sign()));
            return new org.bouncycastle.asn1.DLSequence(request).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DL);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
