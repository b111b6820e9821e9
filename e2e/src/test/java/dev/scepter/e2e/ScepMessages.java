package dev.scepter.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A SCEP client written for the tests on BouncyCastle, independent of the server's codec: it builds
 * a PKCSReq (RFC 8894 section 3.3.1) and reads a CertRep (section 3.3.2), so a test can look at
 * what the real clients hide (the raw GET encoding, the envelope's cipher).
 */
final class ScepMessages {

    /** SCEP's signed attributes (RFC 8894 section 3.2.1, under id-VeriSign 2.16.840.1.113733.1.9). */
    static final ASN1ObjectIdentifier MESSAGE_TYPE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.2");
    static final ASN1ObjectIdentifier PKI_STATUS = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.3");
    static final ASN1ObjectIdentifier FAIL_INFO = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.4");
    static final ASN1ObjectIdentifier SENDER_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.5");
    static final ASN1ObjectIdentifier RECIPIENT_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.6");
    static final ASN1ObjectIdentifier TRANSACTION_ID = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.7");

    static final String PKCS_REQ = "19";
    static final String CERT_REP = "3";
    static final String SUCCESS = "0";
    static final String FAILURE = "2";
    static final String BAD_REQUEST = "2";

    static final ASN1ObjectIdentifier AES_128_CBC = new ASN1ObjectIdentifier("2.16.840.1.101.3.4.1.2");
    static final ASN1ObjectIdentifier AES_256_CBC = new ASN1ObjectIdentifier("2.16.840.1.101.3.4.1.42");
    static final ASN1ObjectIdentifier DES_EDE3_CBC = new ASN1ObjectIdentifier("1.2.840.113549.3.7");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BC = BouncyCastleProvider.PROVIDER_NAME;

    static {
        if (Security.getProvider(BC) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    private ScepMessages() {
    }

    /** A requester: its key and the self-signed certificate it signs its requests with. */
    record Requester(KeyPair keyPair, X509Certificate selfSigned) {
        static Requester create(String commonName) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048, RANDOM);
                KeyPair keyPair = generator.generateKeyPair();
                X500Name subject = name(commonName);
                Instant now = Instant.now();
                X509CertificateHolder holder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, keyPair.getPublic())
                        .build(signer(keyPair));
                return new Requester(keyPair, new JcaX509CertificateConverter().getCertificate(holder));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The transactionID RFC 8894 section 3.2.1.1 suggests: a hash of the public key, in hex. */
        String transactionId() {
            try {
                return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(keyPair.getPublic().getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A PKCSReq as sent, with what the CertRep must echo. */
    record PkcsReq(Requester requester, String transactionId, byte[] senderNonce, byte[] der) {
    }

    /**
     * A PKCSReq for {@code commonName} with {@code challenge} as the CSR's challengePassword,
     * enveloped with AES-128 for {@code ca} and signed by the requester's self-signed certificate.
     */
    static PkcsReq pkcsReq(Requester requester, X509Certificate ca, String commonName, String challenge) {
        return pkcsReq(requester, ca, commonName, challenge, List.of());
    }

    /**
     * As {@link #pkcsReq(Requester, X509Certificate, String, String)}, with SAN URIs in the CSR's
     * extensionRequest (what Intune profiles send as {@code IntuneDeviceId://{{DeviceId}}} and
     * neither real client can).
     */
    static PkcsReq pkcsReq(Requester requester, X509Certificate ca, String commonName, String challenge, List<String> sanUris) {
        try {
            ContentSigner signer = signer(requester.keyPair());
            ASN1Encodable password = DERPrintableString.isPrintableString(challenge)
                    ? new DERPrintableString(challenge) : new DERUTF8String(challenge);
            var builder = new JcaPKCS10CertificationRequestBuilder(name(commonName), requester.keyPair().getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, password);
            if (!sanUris.isEmpty()) {
                org.bouncycastle.asn1.x509.ExtensionsGenerator extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
                extensions.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                        new org.bouncycastle.asn1.x509.GeneralNames(sanUris.stream().map(uri -> new org.bouncycastle.asn1.x509.GeneralName(
                                org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier, uri))
                                .toArray(org.bouncycastle.asn1.x509.GeneralName[]::new)));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            PKCS10CertificationRequest csr = builder.build(signer);

            CMSEnvelopedDataGenerator envelope = new CMSEnvelopedDataGenerator();
            envelope.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(ca).setProvider(BC));
            CMSEnvelopedData enveloped = envelope.generate(new CMSProcessableByteArray(csr.getEncoded()),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES128_CBC).setProvider(BC).build());

            byte[] senderNonce = new byte[16];
            RANDOM.nextBytes(senderNonce);
            String transactionId = requester.transactionId();
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(MESSAGE_TYPE, new DERSet(new DERPrintableString(PKCS_REQ))));
            attributes.add(new Attribute(TRANSACTION_ID, new DERSet(new DERPrintableString(transactionId))));
            attributes.add(new Attribute(SENDER_NONCE, new DERSet(new DEROctetString(senderNonce))));

            CMSSignedDataGenerator signed = new CMSSignedDataGenerator();
            signed.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(BC).build())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                    .build(signer, requester.selfSigned()));
            signed.addCertificate(new JcaX509CertificateHolder(requester.selfSigned()));
            CMSSignedData message = signed.generate(new CMSProcessableByteArray(enveloped.getEncoded()), true);
            return new PkcsReq(requester, transactionId, senderNonce, message.getEncoded(ASN1Encoding.DER));
        } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A well-formed CMS SignedData that is no SCEP message: certs-only, holding {@code certificate}. */
    static byte[] certsOnly(X509Certificate certificate) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificate(new JcaX509CertificateHolder(certificate));
            return generator.generate(new CMSAbsentContent()).getEncoded(ASN1Encoding.DER);
        } catch (GeneralSecurityException | CMSException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a CertRep said, read by {@link #readCertRep}. */
    record CertRep(String messageType, String pkiStatus, String failInfo, String transactionId, byte[] recipientNonce,
            ASN1ObjectIdentifier contentEncryption, boolean certsOnly, List<X509Certificate> certificates) {
    }

    /**
     * Reads a CertRep: checks that {@code ca} signed it, reads its SCEP attributes and, on
     * SUCCESS, decrypts its envelope with the requester's key (RFC 8894 section 3.3.2). Without a
     * requester ({@code null}) only the attributes are read.
     */
    static CertRep readCertRep(byte[] der, X509Certificate ca, Requester requester) throws CMSException, OperatorCreationException, GeneralSecurityException {
        CMSSignedData signed = new CMSSignedData(der);
        List<SignerInformation> signers = new ArrayList<>(signed.getSignerInfos().getSigners());
        if (signers.size() != 1) {
            throw new IllegalStateException("A CertRep has one signer; this one has " + signers.size());
        }
        SignerInformation signer = signers.get(0);
        if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(ca))) {
            throw new IllegalStateException("The CertRep's signature does not verify with the CA certificate");
        }
        AttributeTable attributes = signer.getSignedAttributes();
        String messageType = string(attributes, MESSAGE_TYPE);
        String pkiStatus = string(attributes, PKI_STATUS);
        String failInfo = string(attributes, FAIL_INFO);
        String transactionId = string(attributes, TRANSACTION_ID);
        Attribute nonce = attributes.get(RECIPIENT_NONCE);
        byte[] recipientNonce = nonce == null ? null : ASN1OctetString.getInstance(nonce.getAttrValues().getObjectAt(0)).getOctets();

        if (!SUCCESS.equals(pkiStatus) || requester == null) {
            return new CertRep(messageType, pkiStatus, failInfo, transactionId, recipientNonce, null, false, List.of());
        }
        CMSEnvelopedData enveloped = new CMSEnvelopedData((byte[]) signed.getSignedContent().getContent());
        RecipientInformation recipient = enveloped.getRecipientInfos().getRecipients().iterator().next();
        byte[] content = recipient.getContent(new JceKeyTransEnvelopedRecipient(requester.keyPair().getPrivate()).setProvider(BC));
        CMSSignedData degenerate = new CMSSignedData(content);
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (X509CertificateHolder holder : degenerate.getCertificates().getMatches(null)) {
            certificates.add(converter.getCertificate(holder));
        }
        return new CertRep(messageType, pkiStatus, failInfo, transactionId, recipientNonce,
                new ASN1ObjectIdentifier(enveloped.getEncryptionAlgOID()), degenerate.getSignerInfos().size() == 0, certificates);
    }

    private static String string(AttributeTable attributes, ASN1ObjectIdentifier type) {
        Attribute attribute = attributes.get(type);
        return attribute == null ? null : ((ASN1String) attribute.getAttrValues().getObjectAt(0)).getString();
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static ContentSigner signer(KeyPair keyPair) {
        try {
            return new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(keyPair.getPrivate());
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }
}
