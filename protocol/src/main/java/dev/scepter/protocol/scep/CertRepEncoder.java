package dev.scepter.protocol.scep;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignatureEncryptionAlgorithmFinder;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultCMSSignatureEncryptionAlgorithmFinder;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.cms.bc.BcCMSContentEncryptorBuilder;
import org.bouncycastle.cms.bc.BcKeyTransRecipientInfoGenerator;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.operator.bc.BcRSAAsymmetricKeyWrapper;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;

/**
 * Writes CertRep pkiMessages (RFC 8894 section 3.3.2): a SignedData signed by the CA or RA,
 * whose signed attributes carry messageType CertRep, the pkiStatus, the request's transactionID,
 * its senderNonce as recipientNonce and a fresh senderNonce, and whose content, for SUCCESS, is
 * the issued certificates enveloped for the request's signer.
 *
 * <p>Two choices are made for the clients rather than for the RFC. The SignerInfo's
 * signatureAlgorithm is rsaEncryption, not sha256WithRSAEncryption, because strongSwan's
 * {@code pki --scep} and Windows verify only that form (RFC 5652 section 5.3 allows both). And
 * the digest is the one the request was signed with when it is SHA-1 or SHA-2, so that a client
 * is answered in a digest it is known to have.
 *
 * <p>Instances are immutable and thread-safe when the {@link CmsSigner} is.
 */
public final class CertRepEncoder {
    /** The HTTP content type of a CertRep (RFC 8894 section 4.3). */
    public static final String CONTENT_TYPE = "application/x-pki-message";

    /** RFC 8894 section 3.2.1.5: nonces are 16 random bytes. */
    private static final int NONCE_LENGTH = 16;

    private static final Set<ASN1ObjectIdentifier> ANSWERED_DIGESTS = Set.of(
            OIWObjectIdentifiers.idSHA1,
            NISTObjectIdentifiers.id_sha224,
            NISTObjectIdentifiers.id_sha256,
            NISTObjectIdentifiers.id_sha384,
            NISTObjectIdentifiers.id_sha512);

    private static final Set<ASN1ObjectIdentifier> RSA_PKCS1_SIGNATURES = Set.of(
            PKCSObjectIdentifiers.md5WithRSAEncryption,
            PKCSObjectIdentifiers.sha1WithRSAEncryption,
            PKCSObjectIdentifiers.sha224WithRSAEncryption,
            PKCSObjectIdentifiers.sha256WithRSAEncryption,
            PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption);

    /** PKCS#1 v1.5 signatures are named rsaEncryption in the SignerInfo; others as BouncyCastle names them. */
    private static final CMSSignatureEncryptionAlgorithmFinder SIGNATURE_AS_RSA_ENCRYPTION =
            new CMSSignatureEncryptionAlgorithmFinder() {
                private final CMSSignatureEncryptionAlgorithmFinder fallback =
                        new DefaultCMSSignatureEncryptionAlgorithmFinder();

                @Override
                public AlgorithmIdentifier findEncryptionAlgorithm(AlgorithmIdentifier signatureAlgorithm) {
                    if (RSA_PKCS1_SIGNATURES.contains(signatureAlgorithm.getAlgorithm())) {
                        return new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
                    }
                    return fallback.findEncryptionAlgorithm(signatureAlgorithm);
                }
            };

    private final CmsSigner signer;
    private final Clock clock;
    private final SecureRandom random;

    public CertRepEncoder(CmsSigner signer) {
        this(signer, Clock.systemUTC(), new SecureRandom());
    }

    /**
     * @param clock the source of the signingTime attribute
     * @param random the source of senderNonces, content-encryption keys and IVs
     */
    public CertRepEncoder(CmsSigner signer, Clock clock, SecureRandom random) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * A CertRep SUCCESS (RFC 8894 section 3.3.2.1): the messageData is a certificates-only
     * SignedData holding {@code issuedChain} in order, the issued certificate first, enveloped
     * for the request's signer certificate with {@code encryption}. The signer's key is not
     * judged here: the caller must have refused a weak one (a prime modulus verifies signatures).
     *
     * @throws ScepFailure when the answer cannot be encrypted for the request's signer
     *     certificate (badAlg when its key is not RSA: RFC 8894 section 3.2.2 needs key
     *     transport); the caller answers with {@link #failure(PkiMessage, FailInfo)}
     * @throws IllegalArgumentException when {@code issuedChain} is empty
     * @throws CertRepSigningException when the {@link CmsSigner} fails
     */
    public byte[] success(PkiMessage request, List<X509CertificateHolder> issuedChain, ResponseEncryption encryption)
            throws ScepFailure {
        return success(request, CaCertificateResponse.certsOnly(issuedChain), encryption);
    }

    /**
     * A CertRep SUCCESS answering GetCRL (RFC 8894 section 3.3.2.1): the messageData is a
     * degenerate SignedData holding {@code crl}, enveloped as in {@link #success}.
     */
    public byte[] successWithCrl(PkiMessage request, X509CRLHolder crl, ResponseEncryption encryption)
            throws ScepFailure {
        return success(request, CaCertificateResponse.crlOnly(crl), encryption);
    }

    private byte[] success(PkiMessage request, byte[] messageData, ResponseEncryption encryption) throws ScepFailure {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(encryption, "encryption");
        byte[] envelope = envelope(messageData, request.signerCertificate(), encryption);
        return sign(envelope, PkiStatus.SUCCESS, null, request.transactionId(), request.senderNonce(),
                answeredDigest(request.digestAlgorithm(), signer));
    }

    /**
     * A CertRep FAILURE (RFC 8894 section 3.3.2.2): pkiStatus FAILURE and {@code failInfo}, no
     * pkcsPKIEnvelope (the SignedData's content is an empty OCTET STRING).
     *
     * @throws CertRepSigningException when the {@link CmsSigner} fails
     */
    public byte[] failure(PkiMessage request, FailInfo failInfo) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(failInfo, "failInfo");
        return sign(new byte[0], PkiStatus.FAILURE, failInfo, request.transactionId(), request.senderNonce(),
                answeredDigest(request.digestAlgorithm(), signer));
    }

    /**
     * A CertRep FAILURE for a request whose attributes could be read but which could not be
     * decoded as a whole; hashed with SHA-256.
     *
     * @throws CertRepSigningException when the {@link CmsSigner} fails
     */
    public byte[] failure(String transactionId, byte[] senderNonce, FailInfo failInfo) {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(senderNonce, "senderNonce");
        Objects.requireNonNull(failInfo, "failInfo");
        return sign(new byte[0], PkiStatus.FAILURE, failInfo, transactionId, senderNonce.clone(), sha256());
    }

    /**
     * A CertRep PENDING (RFC 8894 section 3.3.2.3): the client polls with CertPoll under the same
     * transactionID; no pkcsPKIEnvelope.
     *
     * @throws CertRepSigningException when the {@link CmsSigner} fails
     */
    public byte[] pending(PkiMessage request) {
        Objects.requireNonNull(request, "request");
        return sign(new byte[0], PkiStatus.PENDING, null, request.transactionId(), request.senderNonce(),
                answeredDigest(request.digestAlgorithm(), signer));
    }

    /** The EnvelopedData of RFC 8894 section 3.2.2, with a KeyTransRecipientInfo for {@code recipient}. */
    private byte[] envelope(byte[] messageData, X509CertificateHolder recipient, ResponseEncryption encryption)
            throws ScepFailure {
        var keyAlgorithm = recipient.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm();
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(keyAlgorithm)) {
            throw new ScepFailure(FailInfo.BAD_ALG,
                    "cannot encrypt a CertRep for a " + keyAlgorithm + " key: SCEP needs RSA key transport");
        }
        try {
            CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
            // The client's key as it is, without BouncyCastle's validation of the modulus (a
            // Miller-Rabin round, milliseconds in pure Java for each new key): the caller has had it
            // judged by the authority's key policy (ScepService), which caches the keys that passed.
            // The empty subclass reaches BcKeyTransRecipientInfoGenerator's protected constructor.
            org.bouncycastle.asn1.pkcs.RSAPublicKey key = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(
                    recipient.getSubjectPublicKeyInfo().parsePublicKey());
            generator.addRecipientInfoGenerator(new BcKeyTransRecipientInfoGenerator(recipient, new BcRSAAsymmetricKeyWrapper(
                    recipient.getSubjectPublicKeyInfo().getAlgorithm(),
                    new RSAKeyParameters(false, key.getModulus(), key.getPublicExponent(), true))) {
            });
            return generator.generate(new CMSProcessableByteArray(messageData),
                            new BcCMSContentEncryptorBuilder(encryption.algorithm()).setSecureRandom(random).build())
                    .toASN1Structure()
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException | CMSException | RuntimeException e) {
            throw new ScepFailure(FailInfo.BAD_REQUEST,
                    "cannot encrypt a CertRep for " + recipient.getSubject(), e);
        }
    }

    private byte[] sign(byte[] content, PkiStatus status, FailInfo failInfo, String transactionId,
            byte[] requestSenderNonce, AlgorithmIdentifier digestAlgorithm) {
        byte[] senderNonce = new byte[NONCE_LENGTH];
        random.nextBytes(senderNonce);
        ASN1EncodableVector scepAttributes = new ASN1EncodableVector();
        scepAttributes.add(attribute(ScepObjectIdentifiers.MESSAGE_TYPE, printable(MessageType.CERT_REP.code())));
        scepAttributes.add(attribute(ScepObjectIdentifiers.PKI_STATUS, printable(status.code())));
        if (failInfo != null) {
            scepAttributes.add(attribute(ScepObjectIdentifiers.FAIL_INFO, printable(failInfo.code())));
        }
        scepAttributes.add(attribute(ScepObjectIdentifiers.TRANSACTION_ID, transactionIdValue(transactionId)));
        scepAttributes.add(attribute(ScepObjectIdentifiers.RECIPIENT_NONCE, new DEROctetString(requestSenderNonce)));
        scepAttributes.add(attribute(ScepObjectIdentifiers.SENDER_NONCE, new DEROctetString(senderNonce)));
        X509CertificateHolder certificate = signer.certificate();
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(
                    new SignerInfoGeneratorBuilder(new BcDigestCalculatorProvider(), SIGNATURE_AS_RSA_ENCRYPTION)
                            .setSignedAttributeGenerator(new SignedAttributes(scepAttributes, Date.from(clock.instant())))
                            .build(signer.contentSigner(digestAlgorithm), certificate));
            generator.addCertificate(certificate);
            return generator.generate(new CMSProcessableByteArray(content), true)
                    .toASN1Structure()
                    .getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | CMSException | IOException | RuntimeException e) {
            throw new CertRepSigningException("cannot sign a CertRep as " + certificate.getSubject(), e);
        }
    }

    /** {@link #answeredDigest(AlgorithmIdentifier)}, or SHA-256 when the signer cannot hash with it (Key Vault and SHA-1). */
    static AlgorithmIdentifier answeredDigest(AlgorithmIdentifier requested, CmsSigner signer) {
        AlgorithmIdentifier answered = answeredDigest(requested);
        return signer.hashes(answered) ? answered : sha256();
    }

    /** The request's digest when it is SHA-1 or SHA-2, else SHA-256 (MD5, or one unknown). */
    static AlgorithmIdentifier answeredDigest(AlgorithmIdentifier requested) {
        if (requested != null && ANSWERED_DIGESTS.contains(requested.getAlgorithm())) {
            return new DefaultDigestAlgorithmIdentifierFinder().find(requested.getAlgorithm());
        }
        return sha256();
    }

    private static AlgorithmIdentifier sha256() {
        return new DefaultDigestAlgorithmIdentifierFinder().find(NISTObjectIdentifiers.id_sha256);
    }

    /** RFC 8894 section 3.2.1.1 says PrintableString; an ID outside its alphabet is echoed as UTF8String. */
    private static ASN1Encodable transactionIdValue(String transactionId) {
        return DERPrintableString.isPrintableString(transactionId)
                ? new DERPrintableString(transactionId)
                : new DERUTF8String(transactionId);
    }

    private static DERPrintableString printable(int code) {
        return new DERPrintableString(Integer.toString(code));
    }

    private static Attribute attribute(ASN1ObjectIdentifier type, ASN1Encodable value) {
        return new Attribute(type, new DERSet(value));
    }

    /**
     * The signed attributes: the CMS ones RFC 5652 section 5.3 requires (contentType,
     * messageDigest) plus signingTime, and the SCEP ones. Unlike BouncyCastle's default it adds
     * no CMSAlgorithmProtection attribute, which the SCEP clients in the field never expect.
     */
    private static final class SignedAttributes implements CMSAttributeTableGenerator {
        private final ASN1EncodableVector scepAttributes;
        private final Date signingTime;

        SignedAttributes(ASN1EncodableVector scepAttributes, Date signingTime) {
            this.scepAttributes = scepAttributes;
            this.signingTime = signingTime;
        }

        @Override
        public AttributeTable getAttributes(@SuppressWarnings("rawtypes") Map parameters) {
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            Object contentType = parameters.get(CMSAttributeTableGenerator.CONTENT_TYPE);
            if (contentType instanceof ASN1ObjectIdentifier type) {
                attributes.add(attribute(CMSAttributes.contentType, type));
            }
            attributes.add(attribute(CMSAttributes.signingTime, new Time(signingTime)));
            attributes.add(attribute(CMSAttributes.messageDigest,
                    new DEROctetString((byte[]) parameters.get(CMSAttributeTableGenerator.DIGEST))));
            for (int i = 0; i < scepAttributes.size(); i++) {
                attributes.add(scepAttributes.get(i));
            }
            return new AttributeTable(attributes);
        }
    }
}
