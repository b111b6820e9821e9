package dev.scepter.protocol.scep;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignatureEncryptionAlgorithmFinder;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.CollectionStore;

/**
 * Builds SCEP requests the way a client does (RFC 8894 section 3.2), with BouncyCastle alone,
 * so the decoder is tested against an independent encoder. Every knob a real client turns,
 * and a few only a broken one would.
 */
public final class ScepRequestBuilder {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How the SignerInfo names its signature algorithm (RFC 5652 section 5.3 allows both). */
    public enum SignatureForm { RSA_ENCRYPTION, SHA_WITH_RSA }

    private MessageType messageType = MessageType.PKCS_REQ;
    private String transactionId = "2F3C88114C283E9A6CD57BB8266CE313DB0BEE0DAAC5AE45";
    private byte[] senderNonce = randomNonce();
    private ASN1ObjectIdentifier contentEncryption = CMSAlgorithm.AES128_CBC;
    private String digest = "SHA256";
    private SignatureForm signatureForm = SignatureForm.RSA_ENCRYPTION;
    private byte[] messageData = encoded();
    private KeyPair signerKeys = TestPki.CLIENT_KEYS;
    private X509CertificateHolder signerCertificate = TestPki.CLIENT_CERT;
    private java.security.Provider signingProvider = TestPki.BC;
    private final List<X509CertificateHolder> carriedCertificates = new ArrayList<>();
    private boolean carrySignerCertificate = true;
    private X509CertificateHolder recipient = TestPki.CA_CERT;
    private AlgorithmIdentifier keyEncryption;
    private boolean subjectKeyIdentifier;
    private boolean ber;
    private byte[] envelope;
    private boolean noContent;
    private final Set<ASN1ObjectIdentifier> omitted = new HashSet<>();
    private final Map<ASN1ObjectIdentifier, ASN1Encodable> replaced = new LinkedHashMap<>();

    public static ScepRequestBuilder pkcsReq() {
        return new ScepRequestBuilder();
    }

    public static byte[] randomNonce() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    public ScepRequestBuilder messageType(MessageType type) {
        this.messageType = type;
        return this;
    }

    public ScepRequestBuilder transactionId(String id) {
        this.transactionId = id;
        return this;
    }

    public ScepRequestBuilder senderNonce(byte[] nonce) {
        this.senderNonce = nonce.clone();
        return this;
    }

    public ScepRequestBuilder contentEncryption(ASN1ObjectIdentifier algorithm) {
        this.contentEncryption = algorithm;
        return this;
    }

    /** A JCA digest name: MD5, SHA1, SHA256, SHA512. */
    public ScepRequestBuilder digest(String name) {
        this.digest = name;
        return this;
    }

    public ScepRequestBuilder signatureForm(SignatureForm form) {
        this.signatureForm = form;
        return this;
    }

    public ScepRequestBuilder messageData(byte[] data) {
        this.messageData = data.clone();
        return this;
    }

    public ScepRequestBuilder signer(KeyPair keys, X509CertificateHolder certificate) {
        this.signerKeys = keys;
        this.signerCertificate = certificate;
        return this;
    }

    /** Signs with {@code provider}: the JDK's signs with keys BouncyCastle refuses to load (a prime modulus). */
    public ScepRequestBuilder signingProvider(java.security.Provider provider) {
        this.signingProvider = provider;
        return this;
    }

    public ScepRequestBuilder carry(X509CertificateHolder certificate) {
        this.carriedCertificates.add(certificate);
        return this;
    }

    public ScepRequestBuilder withoutSignerCertificate() {
        this.carrySignerCertificate = false;
        return this;
    }

    public ScepRequestBuilder recipient(X509CertificateHolder certificate) {
        this.recipient = certificate;
        return this;
    }

    /** Key transport other than RSAES-PKCS1-v1_5, such as RSAES-OAEP. */
    public ScepRequestBuilder keyEncryption(AlgorithmIdentifier algorithm) {
        this.keyEncryption = algorithm;
        return this;
    }

    public ScepRequestBuilder signerIdentifiedBySubjectKeyIdentifier() {
        this.subjectKeyIdentifier = true;
        return this;
    }

    public ScepRequestBuilder ber() {
        this.ber = true;
        return this;
    }

    /** Sends these bytes as the SignedData's content instead of an EnvelopedData. */
    public ScepRequestBuilder envelope(byte[] content) {
        this.envelope = content.clone();
        return this;
    }

    public ScepRequestBuilder noContent() {
        this.noContent = true;
        return this;
    }

    public ScepRequestBuilder without(ASN1ObjectIdentifier attribute) {
        this.omitted.add(attribute);
        return this;
    }

    public ScepRequestBuilder with(ASN1ObjectIdentifier attribute, ASN1Encodable value) {
        this.replaced.put(attribute, value);
        return this;
    }

    public byte[] senderNonce() {
        return senderNonce.clone();
    }

    public byte[] build() {
        try {
            byte[] content = envelope != null ? envelope : envelopedData();
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            Map<ASN1ObjectIdentifier, ASN1Encodable> values = new LinkedHashMap<>();
            values.put(ScepObjectIdentifiers.MESSAGE_TYPE, new DERPrintableString(Integer.toString(messageType.code())));
            values.put(ScepObjectIdentifiers.TRANSACTION_ID, new DERPrintableString(transactionId));
            values.put(ScepObjectIdentifiers.SENDER_NONCE, new DEROctetString(senderNonce));
            values.putAll(replaced);
            values.forEach((type, value) -> {
                if (!omitted.contains(type)) {
                    attributes.add(new Attribute(type, new DERSet(value)));
                }
            });
            ContentSigner contentSigner = new JcaContentSignerBuilder(digest + "withRSA")
                    .setProvider(signingProvider).build(signerKeys.getPrivate());
            SignerInfoGeneratorBuilder builder = new SignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(TestPki.BC).build(), finder())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)));
            SignerInfoGenerator signerInfo = subjectKeyIdentifier
                    ? builder.build(contentSigner, org.bouncycastle.asn1.x509.SubjectKeyIdentifier
                            .fromExtensions(signerCertificate.getExtensions()).getKeyIdentifier())
                    : builder.build(contentSigner, signerCertificate);
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(signerInfo);
            List<X509CertificateHolder> certificates = new ArrayList<>(carriedCertificates);
            if (carrySignerCertificate) {
                certificates.add(0, signerCertificate);
            }
            generator.addCertificates(new CollectionStore<>(certificates));
            var signed = noContent
                    ? generator.generate(new CMSProcessableByteArray(new byte[0]), false)
                    : generator.generate(new CMSProcessableByteArray(content), true);
            return signed.toASN1Structure().getEncoded(ber ? ASN1Encoding.BER : ASN1Encoding.DER);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test request", e);
        }
    }

    private CMSSignatureEncryptionAlgorithmFinder finder() {
        if (signatureForm == SignatureForm.RSA_ENCRYPTION) {
            return signatureAlgorithm -> new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
        }
        return signatureAlgorithm -> signatureAlgorithm;
    }

    private byte[] envelopedData() throws Exception {
        CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
        JceKeyTransRecipientInfoGenerator recipientInfo = keyEncryption == null
                ? new JceKeyTransRecipientInfoGenerator(TestPki.x509(recipient))
                : new JceKeyTransRecipientInfoGenerator(TestPki.x509(recipient), keyEncryption);
        generator.addRecipientInfoGenerator(recipientInfo.setProvider(TestPki.BC));
        return generator.generate(new CMSProcessableByteArray(messageData),
                        new JceCMSContentEncryptorBuilder(contentEncryption).setProvider(TestPki.BC).build())
                .toASN1Structure()
                .getEncoded(ASN1Encoding.DER);
    }

    private static byte[] encoded() {
        try {
            return TestPki.CSR.getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
