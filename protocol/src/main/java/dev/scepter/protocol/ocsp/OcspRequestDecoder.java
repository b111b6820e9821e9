package dev.scepter.protocol.ocsp;

import dev.scepter.protocol.asn1.BerNesting;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ocsp.OCSPRequest;
import org.bouncycastle.asn1.ocsp.Request;
import org.bouncycastle.asn1.ocsp.TBSRequest;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * Reads an OCSPRequest (RFC 6960 section 4.1.1), POSTed or decoded from a GET path
 * ({@link OcspGetPath#decode}).
 *
 * <p>Whatever the bytes, {@link #decode} returns or throws {@link MalformedOcspRequestException}:
 * BouncyCastle reports bad ASN.1 with many runtime exceptions, which are wrapped, and nesting
 * deep enough to overflow its recursive parser is refused before parsing.
 *
 * <p>What is accepted: DER (and BER, which BouncyCastle reads too); 1 to {@link #MAX_REQUESTS}
 * request entries (RFC 5019 section 2.1.1 allows clients one, OpenSSL sends several with
 * several {@code -cert}s); any CertID hash algorithm, which {@link IssuerMatcher#supportsHash}
 * judges later; a signed request, whose signature is not checked (RFC 6960 section 4.1.2 makes
 * it optional and Scepter does not require it); unknown non-critical extensions, ignored.
 */
public final class OcspRequestDecoder {
    /** The HTTP content type of a POSTed OCSPRequest (RFC 6960 appendix A.1). */
    public static final String CONTENT_TYPE = "application/ocsp-request";

    /** The most request entries answered in one response: each costs a status lookup. */
    public static final int MAX_REQUESTS = 32;

    /**
     * The largest request read. An unsigned request for one certificate is about 80 bytes and
     * one for 32 certificates under 3 KiB; a signed one carrying a certificate chain a few KiB.
     */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** RFC 9654 section 2.1: {@code Nonce ::= OCTET STRING(SIZE(1..128))}. */
    static final int MAX_NONCE_LENGTH = 128;

    /**
     * Request extensions understood, so accepted when critical: the nonce (RFC 9654) and the
     * acceptable response types (RFC 6960 section 4.4.3), which always include the basic
     * response Scepter sends.
     */
    private static final Set<ASN1ObjectIdentifier> UNDERSTOOD_REQUEST_EXTENSIONS =
            Set.of(OcspObjectIdentifiers.NONCE, OcspObjectIdentifiers.ACCEPTABLE_RESPONSES);

    /**
     * Single-request extensions understood: the service locator (RFC 6960 section 4.4.6) asks
     * to forward the request to the authoritative responder, and Scepter is that responder.
     */
    private static final Set<ASN1ObjectIdentifier> UNDERSTOOD_SINGLE_EXTENSIONS =
            Set.of(OcspObjectIdentifiers.SERVICE_LOCATOR);

    private OcspRequestDecoder() {
    }

    /**
     * Decodes an OCSPRequest.
     *
     * @throws MalformedOcspRequestException when the bytes are not one OCSPRequest, nothing
     *     following it, that this responder can answer
     */
    public static OcspRequest decode(byte[] der) throws MalformedOcspRequestException {
        if (der == null || der.length == 0) {
            throw new MalformedOcspRequestException("the OCSPRequest is empty");
        }
        if (der.length > MAX_REQUEST_BYTES) {
            throw new MalformedOcspRequestException(
                    "the OCSPRequest is " + der.length + " bytes, more than " + MAX_REQUEST_BYTES);
        }
        BerNesting.Verdict nesting = BerNesting.check(der);
        if (nesting != BerNesting.Verdict.WELL_FORMED) {
            throw new MalformedOcspRequestException("not an OCSPRequest: " + (nesting == BerNesting.Verdict.TOO_DEEP
                    ? "it nests deeper than " + BerNesting.MAX_DEPTH + " levels" : "not well-formed BER"));
        }
        try {
            return decode(OCSPRequest.getInstance(ASN1Primitive.fromByteArray(der)));
        } catch (IOException | RuntimeException e) {
            throw new MalformedOcspRequestException("not an OCSPRequest: " + e.getMessage(), e);
        }
    }

    private static OcspRequest decode(OCSPRequest request) throws MalformedOcspRequestException {
        TBSRequest tbs = request.getTbsRequest();
        if (tbs.getVersion().intValueExact() != 0) {
            // v1(0) is the only version (RFC 6960 section 4.1.1); another would be another syntax.
            throw new MalformedOcspRequestException("unknown OCSPRequest version " + tbs.getVersion());
        }
        ASN1Sequence requestList = tbs.getRequestList();
        if (requestList.size() == 0) {
            throw new MalformedOcspRequestException("the OCSPRequest asks about no certificate");
        }
        if (requestList.size() > MAX_REQUESTS) {
            throw new MalformedOcspRequestException("the OCSPRequest asks about " + requestList.size()
                    + " certificates, more than " + MAX_REQUESTS);
        }
        List<CertificateId> certificateIds = new ArrayList<>(requestList.size());
        for (ASN1Encodable entry : requestList) {
            Request single = Request.getInstance(entry);
            refuseUnknownCritical(single.getSingleRequestExtensions(), UNDERSTOOD_SINGLE_EXTENSIONS, "Request");
            certificateIds.add(CertificateId.of(single.getReqCert()));
        }
        Extensions extensions = tbs.getRequestExtensions();
        refuseUnknownCritical(extensions, UNDERSTOOD_REQUEST_EXTENSIONS, "OCSPRequest");
        Extension nonce = extensions == null ? null : extensions.getExtension(OcspObjectIdentifiers.NONCE);
        return new OcspRequest(certificateIds, nonce == null ? Optional.empty() : Optional.of(nonce(nonce)));
    }

    /**
     * RFC 5280 section 4.2, which RFC 6960 section 4.1.2 follows: a critical extension that is
     * not understood makes the request one the responder must not answer as if it were absent.
     */
    private static void refuseUnknownCritical(Extensions extensions, Set<ASN1ObjectIdentifier> understood,
            String where) throws MalformedOcspRequestException {
        if (extensions == null) {
            return;
        }
        for (ASN1ObjectIdentifier oid : extensions.getCriticalExtensionOIDs()) {
            if (!understood.contains(oid)) {
                throw new MalformedOcspRequestException("the " + where + " has a critical extension " + oid
                        + " that Scepter does not understand");
            }
        }
    }

    /**
     * The nonce's value (RFC 9654 section 2.1). The extnValue holds the DER of the Nonce OCTET
     * STRING, as OpenSSL since 0.9.7d, Java and BouncyCastle send it. OpenSSL before 0.9.7d put
     * the bare nonce in the extnValue instead; an extnValue that is not one OCTET STRING is read
     * that way. Either way the nonce must have 1 to 128 octets.
     */
    private static byte[] nonce(Extension extension) throws MalformedOcspRequestException {
        byte[] extnValue = extension.getExtnValue().getOctets();
        byte[] nonce = octetString(extnValue);
        if (nonce == null) {
            nonce = extnValue;
        }
        if (nonce.length < 1 || nonce.length > MAX_NONCE_LENGTH) {
            throw new MalformedOcspRequestException(
                    "the nonce has " + nonce.length + " octets; RFC 9654 allows 1 to " + MAX_NONCE_LENGTH);
        }
        return nonce;
    }

    /** The contents of {@code encoding} when it is exactly one primitive OCTET STRING, else null. */
    private static byte[] octetString(byte[] encoding) {
        if (encoding.length < 2 || encoding[0] != 0x04) {
            // Not a primitive OCTET STRING tag, so nothing nested that could overflow the parser.
            return null;
        }
        try {
            return ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(encoding)).getOctets();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
