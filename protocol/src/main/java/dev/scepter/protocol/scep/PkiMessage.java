package dev.scepter.protocol.scep;

import dev.scepter.protocol.asn1.BerNesting;
import dev.scepter.protocol.asn1.X500Names;
import dev.scepter.protocol.csr.CertificationRequests;
import dev.scepter.protocol.csr.MalformedCertificationRequestException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A SCEP pkiMessage (RFC 8894 section 3.2) as {@link PkiMessageDecoder} read it: the signed
 * attributes, who signed it, whether the signature holds, and the still encrypted
 * pkcsPKIEnvelope.
 *
 * @param messageType the messageType attribute (RFC 8894 section 3.2.1.2)
 * @param transactionId the transactionID attribute (RFC 8894 section 3.2.1.1), echoed in the
 *     CertRep
 * @param senderNonce the senderNonce attribute (RFC 8894 section 3.2.1.5), echoed as the
 *     CertRep's recipientNonce
 * @param signerCertificate the certificate the SignerInfo names, taken from the SignedData: a
 *     self-signed certificate for a PKCSReq, the certificate being renewed for a RenewalReq
 *     (RFC 8894 section 3.3.1); the CertRep is encrypted for it
 * @param digestAlgorithm the SignerInfo's digest algorithm
 * @param signatureValid whether the SignerInfo's signature verifies with the public key of
 *     {@code signerCertificate}; only the cryptography, not the certificate's validity period or
 *     issuer, which are the enrollment policy's business. A bad signature does not make the
 *     message malformed: the answer is a CertRep FAILURE with badMessageCheck
 * @param pkcsPkiEnvelope the encapsulated content: the EnvelopedData of RFC 8894 section 3.2.2,
 *     empty when the SignedData carries no content (a CertRep FAILURE or PENDING)
 * @param recipientNonce the recipientNonce attribute, empty when absent (requests carry none)
 * @param pkiStatus the pkiStatus attribute of a CertRep (RFC 8894 section 3.2.1.3)
 * @param failInfo the failInfo attribute of a CertRep FAILURE (RFC 8894 section 3.2.1.4)
 */
public record PkiMessage(
        MessageType messageType,
        String transactionId,
        byte[] senderNonce,
        X509CertificateHolder signerCertificate,
        AlgorithmIdentifier digestAlgorithm,
        boolean signatureValid,
        byte[] pkcsPkiEnvelope,
        byte[] recipientNonce,
        Optional<PkiStatus> pkiStatus,
        Optional<FailInfo> failInfo) {

    public PkiMessage {
        Objects.requireNonNull(messageType, "messageType");
        Objects.requireNonNull(transactionId, "transactionId");
        senderNonce = Objects.requireNonNull(senderNonce, "senderNonce").clone();
        Objects.requireNonNull(signerCertificate, "signerCertificate");
        Objects.requireNonNull(digestAlgorithm, "digestAlgorithm");
        pkcsPkiEnvelope = Objects.requireNonNull(pkcsPkiEnvelope, "pkcsPkiEnvelope").clone();
        recipientNonce = Objects.requireNonNull(recipientNonce, "recipientNonce").clone();
        Objects.requireNonNull(pkiStatus, "pkiStatus");
        Objects.requireNonNull(failInfo, "failInfo");
    }

    /** A request: no recipientNonce, pkiStatus or failInfo. */
    public PkiMessage(MessageType messageType, String transactionId, byte[] senderNonce,
            X509CertificateHolder signerCertificate, AlgorithmIdentifier digestAlgorithm, boolean signatureValid,
            byte[] pkcsPkiEnvelope) {
        this(messageType, transactionId, senderNonce, signerCertificate, digestAlgorithm, signatureValid,
                pkcsPkiEnvelope, new byte[0], Optional.empty(), Optional.empty());
    }

    @Override
    public byte[] senderNonce() {
        return senderNonce.clone();
    }

    @Override
    public byte[] pkcsPkiEnvelope() {
        return pkcsPkiEnvelope.clone();
    }

    @Override
    public byte[] recipientNonce() {
        return recipientNonce.clone();
    }

    /**
     * Decrypts the pkcsPKIEnvelope (RFC 8894 section 3.2.2) and returns the messageData: a
     * PKCS#10 for PKCSReq and RenewalReq, an IssuerAndSubject for CertPoll, an
     * IssuerAndSerialNumber for GetCert and GetCRL (RFC 8894 section 3.3). The first
     * KeyTransRecipientInfo is used.
     *
     * @throws ScepFailure badAlg for a content or key encryption algorithm this codec does not
     *     support; badMessageCheck when there is no envelope or it cannot be decrypted
     */
    public byte[] decryptEnvelope(KeyTransportDecryptor decryptor) throws ScepFailure {
        return PkcsPkiEnvelope.decrypt(pkcsPkiEnvelope, Objects.requireNonNull(decryptor, "decryptor"), null);
    }

    /**
     * As {@link #decryptEnvelope(KeyTransportDecryptor)}, using the KeyTransRecipientInfo for
     * {@code recipientCertificate}: badMessageCheck when the envelope was not encrypted for it
     * (a client still using a CA or RA certificate that has been replaced).
     */
    public byte[] decryptEnvelope(KeyTransportDecryptor decryptor, X509CertificateHolder recipientCertificate)
            throws ScepFailure {
        return PkcsPkiEnvelope.decrypt(pkcsPkiEnvelope, Objects.requireNonNull(decryptor, "decryptor"),
                Objects.requireNonNull(recipientCertificate, "recipientCertificate"));
    }

    /**
     * The PKCS#10 of a PKCSReq or RenewalReq (RFC 8894 section 3.3.1). Its own signature (the
     * proof of possession) and its challengePassword are for the enrollment policy to check.
     *
     * @throws ScepFailure badRequest for another message type or content that is no PKCS#10, and
     *     what {@link #decryptEnvelope(KeyTransportDecryptor)} throws
     */
    public PKCS10CertificationRequest decryptCertificationRequest(KeyTransportDecryptor decryptor) throws ScepFailure {
        requireCertificationRequest();
        return certificationRequest(decryptEnvelope(decryptor));
    }

    /** As {@link #decryptCertificationRequest(KeyTransportDecryptor)} for {@code recipientCertificate}. */
    public PKCS10CertificationRequest decryptCertificationRequest(KeyTransportDecryptor decryptor,
            X509CertificateHolder recipientCertificate) throws ScepFailure {
        requireCertificationRequest();
        return certificationRequest(decryptEnvelope(decryptor, recipientCertificate));
    }

    /**
     * The IssuerAndSerialNumber of a GetCert or GetCRL (RFC 8894 sections 3.3.4 and 3.3.5),
     * decrypted with the KeyTransRecipientInfo for {@code recipientCertificate}, or the first one
     * when it is null. Its nesting is checked before it is parsed ({@link BerNesting}): the
     * content is whatever a client encrypted for the CA's public certificate.
     *
     * @throws ScepFailure badRequest for another message type or content that is no
     *     IssuerAndSerialNumber, and what {@link #decryptEnvelope(KeyTransportDecryptor)} throws
     */
    public IssuerAndSerialNumber decryptIssuerAndSerialNumber(KeyTransportDecryptor decryptor,
            X509CertificateHolder recipientCertificate) throws ScepFailure {
        if (messageType != MessageType.GET_CERT && messageType != MessageType.GET_CRL) {
            throw new ScepFailure(FailInfo.BAD_REQUEST, messageType + " carries no IssuerAndSerialNumber");
        }
        byte[] messageData = PkcsPkiEnvelope.decrypt(pkcsPkiEnvelope, Objects.requireNonNull(decryptor, "decryptor"),
                recipientCertificate);
        if (messageData.length == 0 || BerNesting.check(messageData) != BerNesting.Verdict.WELL_FORMED) {
            throw new ScepFailure(FailInfo.BAD_REQUEST, messageType + "'s content is not an IssuerAndSerialNumber");
        }
        IssuerAndSerialNumber wanted;
        try {
            wanted = IssuerAndSerialNumber.getInstance(ASN1Primitive.fromByteArray(messageData));
        } catch (IOException | RuntimeException e) {
            throw new ScepFailure(FailInfo.BAD_REQUEST, messageType + "'s content is not an IssuerAndSerialNumber", e);
        }
        if (!X500Names.readable(wanted.getName())) {
            // The issuer's name is compared with the CA's as a string.
            throw new ScepFailure(FailInfo.BAD_REQUEST, messageType + " names an issuer that cannot be read");
        }
        return wanted;
    }

    private void requireCertificationRequest() throws ScepFailure {
        if (messageType != MessageType.PKCS_REQ && messageType != MessageType.RENEWAL_REQ) {
            throw new ScepFailure(FailInfo.BAD_REQUEST, messageType + " carries no PKCS#10");
        }
    }

    private static PKCS10CertificationRequest certificationRequest(byte[] messageData) throws ScepFailure {
        try {
            return CertificationRequests.decodeDer(messageData);
        } catch (MalformedCertificationRequestException e) {
            throw new ScepFailure(FailInfo.BAD_REQUEST, "the messageData is not a PKCS#10: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PkiMessage that
                && messageType == that.messageType
                && transactionId.equals(that.transactionId)
                && Arrays.equals(senderNonce, that.senderNonce)
                && signerCertificate.equals(that.signerCertificate)
                && digestAlgorithm.equals(that.digestAlgorithm)
                && signatureValid == that.signatureValid
                && Arrays.equals(pkcsPkiEnvelope, that.pkcsPkiEnvelope)
                && Arrays.equals(recipientNonce, that.recipientNonce)
                && pkiStatus.equals(that.pkiStatus)
                && failInfo.equals(that.failInfo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageType, transactionId, Arrays.hashCode(senderNonce), signerCertificate,
                signatureValid, Arrays.hashCode(pkcsPkiEnvelope));
    }

    @Override
    public String toString() {
        return "PkiMessage[messageType=" + messageType
                + ", transactionId=" + transactionId
                + ", senderNonce=" + HexFormat.of().formatHex(senderNonce)
                + ", signer=" + signerCertificate.getSubject()
                + ", digestAlgorithm=" + digestAlgorithm.getAlgorithm()
                + ", signatureValid=" + signatureValid
                + ", pkcsPkiEnvelope=" + pkcsPkiEnvelope.length + " bytes"
                + pkiStatus.map(status -> ", pkiStatus=" + status).orElse("")
                + failInfo.map(reason -> ", failInfo=" + reason).orElse("")
                + "]";
    }
}
