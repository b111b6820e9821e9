package dev.scepter.protocol.ocsp;

import dev.scepter.protocol.scep.CmsSigner;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.ResponderID;
import org.bouncycastle.asn1.ocsp.ResponseData;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.ocsp.SingleResponse;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Writes OCSPResponses (RFC 6960 section 4.2.1): a signed BasicOCSPResponse for answers, and the
 * unsigned responses of the error statuses.
 *
 * <p>Choices made for the clients, in the RFC 5019 profile:
 * <ul>
 *   <li>The ResponderID is byKey, the SHA-1 of the responder's public key (RFC 6960 section
 *       4.2.2.3; RFC 5019 section 2.2.2 prefers it, as it stays the same when the responder
 *       certificate is renewed).</li>
 *   <li>The signature is SHA-256 with the responder's key: SHA256withRSA (PKCS#1 v1.5) for RSA,
 *       SHA256withECDSA for EC (RFC 5019 section 2.2.1 asks responders to support SHA-256).</li>
 *   <li>Every time is a GeneralizedTime to the second, with no fraction: RFC 5280 section
 *       4.1.2.5.2 forbids fractional seconds and some clients reject them (SCEPman fixed it for
 *       Check Point in 2.5).</li>
 *   <li>The nonce, when the request had one, is echoed in the response extensions (RFC 9654
 *       section 2.1), non-critical; without one there is no response extension, so the
 *       response can be cached and reused (RFC 5019 section 2.2.5).</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe when the {@link CmsSigner} is.
 */
public final class OcspResponseEncoder {
    /** The HTTP content type of an OCSPResponse (RFC 6960 appendix A.2). */
    public static final String CONTENT_TYPE = "application/ocsp-response";

    /** {@code ENUMERATED successful}. */
    private static final byte[] SUCCESSFUL_STATUS = {0x0A, 0x01, (byte) OcspResponseStatus.SUCCESSFUL.code()};
    /** {@code id-pkix-ocsp-basic}, the OBJECT IDENTIFIER's DER. */
    private static final byte[] BASIC_RESPONSE_TYPE = Der.encoded(OcspObjectIdentifiers.BASIC_RESPONSE);

    private static final AlgorithmIdentifier SHA256 =
            new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);

    private final CmsSigner responder;
    private final ResponderID responderId;
    /**
     * The BasicOCSPResponse's {@code certs} field, {@code [0] EXPLICIT SEQUENCE OF Certificate}, as
     * DER; empty when there are none. Encoded once: a certificate is most of a response's ASN.1
     * objects, and BouncyCastle walks every one of them again for each encoding.
     */
    private final byte[] certificatesDer;

    /**
     * @param responder signs the responses: the CA itself, or a delegated responder whose
     *     certificate the CA issued with id-kp-OCSPSigning (RFC 6960 section 4.2.2.2); its key
     *     must be RSA or EC
     * @param certificatesToInclude the certificates carried in every response, so clients can
     *     verify the signature: the delegated responder's certificate when there is one,
     *     nothing when the CA signs itself (clients have the CA certificate already)
     * @throws IllegalArgumentException when the responder's key is neither RSA nor EC
     */
    public OcspResponseEncoder(CmsSigner responder, List<X509CertificateHolder> certificatesToInclude) {
        this.responder = Objects.requireNonNull(responder, "responder");
        X509CertificateHolder certificate = Objects.requireNonNull(responder.certificate(), "responder.certificate()");
        ASN1ObjectIdentifier keyAlgorithm = certificate.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm();
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(keyAlgorithm)
                && !X9ObjectIdentifiers.id_ecPublicKey.equals(keyAlgorithm)) {
            throw new IllegalArgumentException("cannot sign OCSP responses with a " + keyAlgorithm + " key");
        }
        this.responderId = new ResponderID(new DEROctetString(
                sha1(certificate.getSubjectPublicKeyInfo().getPublicKeyData().getBytes())));
        ASN1EncodableVector certs = new ASN1EncodableVector();
        for (X509CertificateHolder include : List.copyOf(
                Objects.requireNonNull(certificatesToInclude, "certificatesToInclude"))) {
            certs.add(include.toASN1Structure());
        }
        try {
            this.certificatesDer = certs.size() == 0 ? new byte[0]
                    : new DERTaggedObject(true, 0, new DERSequence(certs)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the certificates to include", e);
        }
    }

    /**
     * A successful OCSPResponse carrying a BasicOCSPResponse: one SingleResponse per answer, in
     * order, each with its CertID as the request carried it.
     *
     * @param nonce the request's nonce value (1 to 128 octets), echoed; empty when the request
     *     had none
     * @param producedAt when the response is signed; sent to the second
     * @throws IllegalArgumentException when {@code answers} is empty, the nonce is out of bounds,
     *     or a time cannot be a GeneralizedTime (outside years 0 to 9999)
     * @throws OcspSigningException when the responder's signer fails
     */
    public byte[] successful(List<SingleAnswer> answers, Optional<byte[]> nonce, Instant producedAt) {
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(producedAt, "producedAt");
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("a BasicOCSPResponse answers about at least one certificate");
        }
        ASN1EncodableVector responses = new ASN1EncodableVector(answers.size());
        for (SingleAnswer answer : answers) {
            responses.add(singleResponse(answer));
        }
        ResponseData tbsResponseData = new ResponseData(responderId, time(producedAt), new DERSequence(responses),
                nonce.isPresent() ? nonceExtension(nonce.get()) : null);
        byte[] basic = sign(tbsResponseData);
        // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT
        //     ResponseBytes }; ResponseBytes ::= SEQUENCE { responseType OID, response OCTET STRING }
        return Der.of(Der.SEQUENCE, SUCCESSFUL_STATUS,
                Der.of(0xA0, Der.of(Der.SEQUENCE, BASIC_RESPONSE_TYPE, Der.of(Der.OCTET_STRING, basic))));
    }

    /** The request did not conform to the OCSP syntax (RFC 6960 section 4.2.1). */
    public static byte[] malformedRequest() {
        return unsuccessful(OcspResponseStatus.MALFORMED_REQUEST);
    }

    /**
     * The responder is not authoritative for the certificates asked about: another CA's, or a
     * hash it does not answer (RFC 5019 section 2.2.3).
     */
    public static byte[] unauthorized() {
        return unsuccessful(OcspResponseStatus.UNAUTHORIZED);
    }

    /** The responder cannot answer now, for instance when shedding load (RFC 6960 section 4.2.1). */
    public static byte[] tryLater() {
        return unsuccessful(OcspResponseStatus.TRY_LATER);
    }

    /** The responder failed, for instance its signer (RFC 6960 section 4.2.1). */
    public static byte[] internalError() {
        return unsuccessful(OcspResponseStatus.INTERNAL_ERROR);
    }

    /**
     * An OCSPResponse with an error status and no responseBytes, unsigned as RFC 6960 section
     * 2.3 prescribes: {@code SEQUENCE { ENUMERATED status }}.
     *
     * @throws IllegalArgumentException for {@link OcspResponseStatus#SUCCESSFUL}, which needs a
     *     BasicOCSPResponse
     */
    public static byte[] unsuccessful(OcspResponseStatus status) {
        if (status == OcspResponseStatus.SUCCESSFUL) {
            throw new IllegalArgumentException("a successful OCSPResponse carries a BasicOCSPResponse");
        }
        return new byte[] {0x30, 0x03, 0x0A, 0x01, (byte) status.code()};
    }

    private static SingleResponse singleResponse(SingleAnswer answer) {
        return new SingleResponse(answer.id().toAsn1(), certStatus(answer.status()), time(answer.thisUpdate()),
                answer.nextUpdate().map(OcspResponseEncoder::time).orElse(null), (Extensions) null);
    }

    /** {@code good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL}. */
    private static org.bouncycastle.asn1.ocsp.CertStatus certStatus(CertStatus status) {
        if (status instanceof CertStatus.Good) {
            return new org.bouncycastle.asn1.ocsp.CertStatus();
        }
        if (status instanceof CertStatus.Revoked revoked) {
            return new org.bouncycastle.asn1.ocsp.CertStatus(new RevokedInfo(time(revoked.revocationTime()),
                    revoked.reason().map(CRLReason::lookup).orElse(null)));
        }
        return new org.bouncycastle.asn1.ocsp.CertStatus(2, DERNull.INSTANCE);
    }

    private static Extensions nonceExtension(byte[] nonce) {
        if (nonce.length < 1 || nonce.length > OcspRequestDecoder.MAX_NONCE_LENGTH) {
            throw new IllegalArgumentException("a nonce has 1 to " + OcspRequestDecoder.MAX_NONCE_LENGTH
                    + " octets, not " + nonce.length);
        }
        try {
            // The extnValue holds the DER of the Nonce OCTET STRING (RFC 9654 section 2.1).
            return new Extensions(new Extension(OcspObjectIdentifiers.NONCE, false,
                    new DEROctetString(new DEROctetString(nonce).getEncoded(ASN1Encoding.DER))));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a nonce", e);
        }
    }

    /**
     * The BasicOCSPResponse's DER, {@code SEQUENCE { tbsResponseData, signatureAlgorithm, signature
     * BIT STRING, certs }}, assembled from the DER of its parts: the signed bytes of the
     * tbsResponseData are written as they are, not encoded a second time.
     */
    private byte[] sign(ResponseData tbsResponseData) {
        try {
            byte[] tbs = tbsResponseData.getEncoded(ASN1Encoding.DER);
            ContentSigner signer = responder.contentSigner(SHA256);
            try (OutputStream out = signer.getOutputStream()) {
                out.write(tbs);
            }
            byte[] signature = signer.getSignature();
            return Der.of(Der.SEQUENCE, tbs, signer.getAlgorithmIdentifier().getEncoded(ASN1Encoding.DER),
                    Der.of(Der.BIT_STRING, new byte[] {0}, signature), certificatesDer);
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            throw new OcspSigningException(
                    "cannot sign an OCSP response as " + responder.certificate().getSubject(), e);
        }
    }

    /**
     * A GeneralizedTime to the second: the fraction is cut, not rounded, so no time moves later.
     * Written as its DER bytes ({@code YYYYMMDDHHMMSSZ}) and read back: BouncyCastle's constructor
     * from a string parses it again with a {@code SimpleDateFormat}, which cost more than the rest
     * of an OCSP response's encoding (every response holds three times).
     */
    static ASN1GeneralizedTime time(Instant instant) {
        LocalDateTime utc = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = utc.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException(instant + " cannot be a GeneralizedTime");
        }
        byte[] der = new byte[2 + 15];
        der[0] = 0x18;
        der[1] = 15;
        digits(der, 2, year, 4);
        digits(der, 6, utc.getMonthValue(), 2);
        digits(der, 8, utc.getDayOfMonth(), 2);
        digits(der, 10, utc.getHour(), 2);
        digits(der, 12, utc.getMinute(), 2);
        digits(der, 14, utc.getSecond(), 2);
        der[16] = 'Z';
        return ASN1GeneralizedTime.getInstance(der);
    }

    private static void digits(byte[] into, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            into[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from the JVM", e);
        }
    }
}
