package dev.scepter.protocol.scep;

import dev.scepter.protocol.asn1.BerNesting;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;

/**
 * Opening the pkcsPKIEnvelope of a request: a CMS EnvelopedData with one KeyTransRecipientInfo
 * for the CA or RA certificate (RFC 8894 section 3.2.2).
 */
final class PkcsPkiEnvelope {

    private PkcsPkiEnvelope() {
    }

    /**
     * The messageData inside {@code envelope}.
     *
     * @param recipientCertificate the certificate the envelope must be encrypted for, or null to
     *     take the first KeyTransRecipientInfo
     */
    static byte[] decrypt(byte[] envelope, KeyTransportDecryptor decryptor, X509CertificateHolder recipientCertificate)
            throws ScepFailure {
        if (envelope.length == 0) {
            throw new ScepFailure(FailInfo.BAD_MESSAGE_CHECK, "the pkiMessage carries no pkcsPKIEnvelope");
        }
        if (BerNesting.check(envelope) != BerNesting.Verdict.WELL_FORMED) {
            throw new ScepFailure(FailInfo.BAD_MESSAGE_CHECK, "the pkcsPKIEnvelope is not a BER encoding");
        }
        CMSEnvelopedData enveloped = parse(envelope);
        ContentEncryption encryption;
        KeyTransRecipientInformation recipient;
        try {
            var contentEncryptionAlgorithm = enveloped.getContentEncryptionAlgorithm().getAlgorithm();
            encryption = ContentEncryption.of(contentEncryptionAlgorithm)
                    .orElseThrow(() -> new ScepFailure(FailInfo.BAD_ALG,
                            "content encryption " + contentEncryptionAlgorithm + " is not supported"));
            recipient = recipient(enveloped, recipientCertificate);
        } catch (RuntimeException e) {
            throw new ScepFailure(FailInfo.BAD_MESSAGE_CHECK, "the pkcsPKIEnvelope is not an EnvelopedData", e);
        }
        var keyEncryptionAlgorithm = recipient.getKeyEncryptionAlgorithm().getAlgorithm();
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(keyEncryptionAlgorithm)) {
            throw new ScepFailure(FailInfo.BAD_ALG, "key transport " + keyEncryptionAlgorithm + " is not supported");
        }
        DelegatedKeyTransRecipient delegated = new DelegatedKeyTransRecipient(decryptor, encryption);
        try {
            return recipient.getContent(delegated);
        } catch (CMSException | RuntimeException e) {
            if (delegated.decryptorFailure() != null) {
                throw delegated.decryptorFailure();
            }
            throw new ScepFailure(FailInfo.BAD_MESSAGE_CHECK, "the pkcsPKIEnvelope cannot be decrypted", e);
        }
    }

    private static CMSEnvelopedData parse(byte[] envelope) throws ScepFailure {
        try {
            ContentInfo contentInfo = CmsEncodings.contentInfo(envelope);
            if (!CMSObjectIdentifiers.envelopedData.equals(contentInfo.getContentType())) {
                throw new ScepFailure(FailInfo.BAD_MESSAGE_CHECK,
                        "the pkcsPKIEnvelope is a " + contentInfo.getContentType() + ", not an EnvelopedData");
            }
            return new CMSEnvelopedData(contentInfo);
        } catch (IOException | CMSException | RuntimeException e) {
            throw new ScepFailure(FailInfo.BAD_MESSAGE_CHECK, "the pkcsPKIEnvelope is not an EnvelopedData", e);
        }
    }

    @SuppressWarnings("unchecked") // RecipientId is a raw Selector in BouncyCastle
    private static KeyTransRecipientInformation recipient(CMSEnvelopedData enveloped,
            X509CertificateHolder recipientCertificate) throws ScepFailure {
        List<KeyTransRecipientInformation> keyTransport = new ArrayList<>();
        for (RecipientInformation candidate : enveloped.getRecipientInfos().getRecipients()) {
            if (candidate instanceof KeyTransRecipientInformation) {
                keyTransport.add((KeyTransRecipientInformation) candidate);
            }
        }
        if (keyTransport.isEmpty()) {
            // Key agreement, KEK and password recipients: RFC 8894 section 3.2.2 uses key transport.
            throw new ScepFailure(FailInfo.BAD_ALG, "the pkcsPKIEnvelope has no KeyTransRecipientInfo");
        }
        if (recipientCertificate == null) {
            return keyTransport.get(0);
        }
        for (KeyTransRecipientInformation candidate : keyTransport) {
            if (candidate.getRID().match(recipientCertificate)) {
                return candidate;
            }
        }
        throw new ScepFailure(FailInfo.BAD_MESSAGE_CHECK,
                "the pkcsPKIEnvelope is not encrypted for " + recipientCertificate.getSubject());
    }
}
