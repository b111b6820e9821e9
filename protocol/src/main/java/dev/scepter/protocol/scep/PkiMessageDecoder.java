package dev.scepter.protocol.scep;

import dev.scepter.protocol.asn1.BerNesting;
import dev.scepter.protocol.asn1.X500Names;
import dev.scepter.protocol.crypto.SignatureChecks;
import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;

/**
 * Reads a SCEP pkiMessage (RFC 8894 section 3.2): a CMS SignedData whose signed attributes
 * carry the SCEP transaction attributes and whose content is the pkcsPKIEnvelope.
 *
 * <p>Whatever the bytes, {@link #decode} returns or throws {@link MalformedScepMessageException}:
 * BouncyCastle reports bad ASN.1 with many runtime exceptions, which are wrapped, and nesting
 * deep enough to overflow its recursive parser is refused first ({@link BerNesting}).
 */
public final class PkiMessageDecoder {

    private PkiMessageDecoder() {
    }

    /**
     * Decodes a pkiMessage, as POSTed or as decoded from a GET's {@code message} parameter
     * ({@link ScepMessageParameter#decode}). Accepts DER and BER, any digest BouncyCastle
     * knows (SHA-1, SHA-2, MD5), and a SignerInfo signature algorithm of either rsaEncryption
     * or sha*WithRSAEncryption.
     */
    public static PkiMessage decode(byte[] der) throws MalformedScepMessageException {
        if (der == null || der.length == 0) {
            throw new MalformedScepMessageException("the pkiMessage is empty");
        }
        switch (BerNesting.check(der)) {
            case NOT_WELL_FORMED:
                throw new MalformedScepMessageException("the pkiMessage is not a BER encoding");
            case TOO_DEEP:
                throw new MalformedScepMessageException(
                        "the pkiMessage nests deeper than " + BerNesting.MAX_DEPTH + " levels");
            default:
                break;
        }
        try {
            return decode(signedData(der));
        } catch (IOException | CMSException | RuntimeException e) {
            throw new MalformedScepMessageException("not a SCEP pkiMessage: " + e.getMessage(), e);
        }
    }

    private static CMSSignedData signedData(byte[] der)
            throws IOException, CMSException, MalformedScepMessageException {
        ContentInfo contentInfo = CmsEncodings.contentInfo(der);
        if (!CMSObjectIdentifiers.signedData.equals(contentInfo.getContentType())) {
            throw new MalformedScepMessageException(
                    "the pkiMessage is a " + contentInfo.getContentType() + ", not a SignedData");
        }
        return new CMSSignedData(contentInfo);
    }

    private static PkiMessage decode(CMSSignedData signedData) throws MalformedScepMessageException {
        Iterator<SignerInformation> signers = signedData.getSignerInfos().getSigners().iterator();
        if (!signers.hasNext()) {
            // A certificates-only SignedData, such as a GetCACert answer (RFC 8894 section 3.4).
            throw new MalformedScepMessageException("the SignedData has no SignerInfo");
        }
        SignerInformation signer = signers.next();
        AttributeTable attributes = signer.getSignedAttributes();
        if (attributes == null) {
            throw new MalformedScepMessageException("the SignerInfo has no signed attributes");
        }
        MessageType messageType = messageType(attributes);
        String transactionId = string(required(attributes, ScepObjectIdentifiers.TRANSACTION_ID, "transactionID"),
                "transactionID");
        if (transactionId.isEmpty()) {
            throw new MalformedScepMessageException("the transactionID is empty");
        }
        byte[] senderNonce = octets(required(attributes, ScepObjectIdentifiers.SENDER_NONCE, "senderNonce"),
                "senderNonce");
        if (senderNonce.length == 0) {
            throw new MalformedScepMessageException("the senderNonce is empty");
        }
        Optional<ASN1Encodable> recipientNonce = optional(attributes, ScepObjectIdentifiers.RECIPIENT_NONCE);
        Optional<PkiStatus> pkiStatus = Optional.empty();
        Optional<FailInfo> failInfo = Optional.empty();
        if (messageType == MessageType.CERT_REP) {
            // Only a CertRep has a status (RFC 8894 section 3.2.1.3); requests are not judged by
            // attributes they should not carry.
            int status = code(required(attributes, ScepObjectIdentifiers.PKI_STATUS, "pkiStatus"), "pkiStatus");
            pkiStatus = Optional.of(PkiStatus.fromCode(status)
                    .orElseThrow(() -> new MalformedScepMessageException("unknown pkiStatus " + status)));
            Optional<ASN1Encodable> reason = optional(attributes, ScepObjectIdentifiers.FAIL_INFO);
            if (reason.isPresent()) {
                int code = code(reason.get(), "failInfo");
                failInfo = Optional.of(FailInfo.fromCode(code)
                        .orElseThrow(() -> new MalformedScepMessageException("unknown failInfo " + code)));
            }
        }
        X509CertificateHolder signerCertificate = signerCertificate(signedData, signer);
        if (!X500Names.readable(signerCertificate.getSubject()) || !X500Names.readable(signerCertificate.getIssuer())) {
            // The renewal check compares these names, and the CertRep is addressed by them.
            throw new MalformedScepMessageException("the signer's certificate has a name that cannot be read");
        }
        return new PkiMessage(
                messageType,
                transactionId,
                senderNonce,
                signerCertificate,
                signer.getDigestAlgorithmID(),
                signatureValid(signer, signerCertificate),
                content(signedData),
                recipientNonce.isPresent() ? octets(recipientNonce.get(), "recipientNonce") : new byte[0],
                pkiStatus,
                failInfo);
    }

    private static MessageType messageType(AttributeTable attributes) throws MalformedScepMessageException {
        int code = code(required(attributes, ScepObjectIdentifiers.MESSAGE_TYPE, "messageType"), "messageType");
        return MessageType.fromCode(code)
                .orElseThrow(() -> new MalformedScepMessageException("unknown messageType " + code));
    }

    private static X509CertificateHolder signerCertificate(CMSSignedData signedData, SignerInformation signer)
            throws MalformedScepMessageException {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signedData.getCertificates().getMatches(signer.getSID());
        if (matches.isEmpty()) {
            // The CertRep is encrypted for this certificate (RFC 8894 section 3.3.2): without it
            // there is nobody to answer.
            throw new MalformedScepMessageException("the SignedData does not carry the signer's certificate");
        }
        return matches.iterator().next();
    }

    /**
     * Verifies with the public key alone, so that BouncyCastle does not also hold the signingTime
     * against the certificate's validity: an expired certificate in a RenewalReq is the
     * enrollment policy's decision, not a broken signature.
     */
    private static boolean signatureValid(SignerInformation signer, X509CertificateHolder certificate) {
        // A digest mismatch, a signature that does not verify, an algorithm no provider knows, a
        // public key none can read: none of them verified. RSA by the provider chosen for it (SignatureChecks).
        return SignatureChecks.passes(certificate.getSubjectPublicKeyInfo(), (publicKey, provider) -> {
            JcaSimpleSignerInfoVerifierBuilder verifier = new JcaSimpleSignerInfoVerifierBuilder();
            provider.ifPresent(verifier::setProvider);
            return signer.verify(verifier.build(publicKey));
        });
    }

    private static byte[] content(CMSSignedData signedData) throws MalformedScepMessageException {
        CMSTypedData content = signedData.getSignedContent();
        if (content == null) {
            return new byte[0];
        }
        if (content.getContent() instanceof byte[] octets) {
            return octets;
        }
        throw new MalformedScepMessageException("the SignedData's content is not an OCTET STRING");
    }

    private static ASN1Encodable required(AttributeTable attributes, ASN1ObjectIdentifier type, String name)
            throws MalformedScepMessageException {
        return optional(attributes, type)
                .orElseThrow(() -> new MalformedScepMessageException("the " + name + " attribute is missing"));
    }

    /** The value of a single-valued attribute (RFC 8894 section 3.2.1); the first if repeated. */
    private static Optional<ASN1Encodable> optional(AttributeTable attributes, ASN1ObjectIdentifier type) {
        Attribute attribute = attributes.get(type);
        if (attribute == null) {
            return Optional.empty();
        }
        ASN1Set values = attribute.getAttrValues();
        return values.size() == 0 ? Optional.empty() : Optional.of(values.getObjectAt(0));
    }

    /** PrintableString per RFC 8894 section 3.2.1; any string type is taken. */
    private static String string(ASN1Encodable value, String name) throws MalformedScepMessageException {
        if (value instanceof ASN1String string) {
            return string.getString();
        }
        throw new MalformedScepMessageException("the " + name + " attribute is not a string");
    }

    /** messageType, pkiStatus and failInfo are decimal numbers in a PrintableString. */
    private static int code(ASN1Encodable value, String name) throws MalformedScepMessageException {
        String digits = string(value, name).trim();
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MalformedScepMessageException("the " + name + " attribute is not a decimal number");
        }
        return Integer.parseInt(digits);
    }

    private static byte[] octets(ASN1Encodable value, String name) throws MalformedScepMessageException {
        if (value instanceof ASN1OctetString octets) {
            return octets.getOctets();
        }
        throw new MalformedScepMessageException("the " + name + " attribute is not an OCTET STRING");
    }
}
