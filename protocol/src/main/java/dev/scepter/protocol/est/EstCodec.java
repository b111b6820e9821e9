package dev.scepter.protocol.est;

import dev.scepter.protocol.asn1.BerNesting;
import dev.scepter.protocol.csr.CertificationRequests;
import dev.scepter.protocol.csr.MalformedCertificationRequestException;
import dev.scepter.protocol.scep.CaCertificateResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * EST's wire format (RFC 7030, with the clarifications of RFC 8951): what {@code /cacerts},
 * {@code /simpleenroll}, {@code /simplereenroll} and {@code /csrattrs} carry. Bodies are base64
 * (RFC 4648 section 4) of DER; RFC 8951 section 3.2.2 drops the MIME Content-Transfer-Encoding
 * header's meaning, so a receiver decodes base64 whatever that header says, with or without line
 * breaks, and this codec sends it without them. No HTTP and no storage here.
 */
public final class EstCodec {

    /** A simpleenroll or simplereenroll request: base64 PKCS#10 (RFC 7030 section 4.2.1). */
    public static final String PKCS10 = "application/pkcs10";
    /** A cacerts or enroll answer: base64 certs-only CMS (RFC 7030 sections 4.1.3 and 4.2.3). */
    public static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";
    /** A csrattrs answer: base64 DER CsrAttrs (RFC 7030 section 4.5.2). */
    public static final String CSR_ATTRS = "application/csrattrs";
    /**
     * RFC 7030 section 4.1.3 has answers carry {@code Content-Transfer-Encoding: base64}; RFC 8951
     * section 3.2.2 has receivers ignore it. Sent for the clients written before RFC 8951.
     */
    public static final String TRANSFER_ENCODING_HEADER = "Content-Transfer-Encoding";
    public static final String TRANSFER_ENCODING = "base64";

    /** The private key part of a serverkeygen answer: base64 PKCS#8, unencrypted (RFC 7030 section 4.4.2). */
    public static final String PKCS8 = "application/pkcs8";

    /**
     * A serverkeygen answer (RFC 7030 section 4.4.2) and the {@code multipart/mixed} media type that
     * names its boundary. It holds a private key: never logged, never cached.
     */
    public record ServerKeyGenAnswer(String contentType, byte[] body) {
        @Override
        public String toString() {
            return "ServerKeyGenAnswer[contentType=" + contentType + ", body=<" + body.length + " bytes, a private key>]";
        }
    }

    /** The largest request body read: a PKCS#10 in base64 with line breaks, and room to spare. */
    public static final int MAX_REQUEST_BYTES = CertificationRequests.MAX_REQUEST_BYTES;

    private EstCodec() {
    }

    /**
     * The PKCS#10 request of a simpleenroll or simplereenroll body (RFC 7030 section 4.2.1): base64
     * with or without line breaks (RFC 8951 section 3.2.2); PEM armour and bare DER are taken too,
     * as clients that misread the RFC send them. The request's signature is not judged here.
     *
     * @throws MalformedCertificationRequestException when the body is no such request
     */
    public static PKCS10CertificationRequest decodeRequest(byte[] body) throws MalformedCertificationRequestException {
        return CertificationRequests.decode(body);
    }

    /**
     * A certs-only answer (RFC 7030 sections 4.1.3 and 4.2.3): a degenerate SignedData (RFC 5652
     * section 5, no signer, no content) holding {@code certificates} in the order given, base64
     * encoded without line breaks (ASCII).
     */
    public static byte[] certsOnly(List<X509CertificateHolder> certificates) {
        return base64(CaCertificateResponse.certsOnly(certificates));
    }

    /**
     * A csrattrs answer (RFC 7030 section 4.5.2): {@code CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF
     * AttrOrOID}, the OIDs first, then the attributes, base64 encoded without line breaks.
     */
    public static byte[] csrAttrs(List<ASN1ObjectIdentifier> oids, List<Attribute> attributes) {
        Objects.requireNonNull(oids, "oids");
        Objects.requireNonNull(attributes, "attributes");
        ASN1EncodableVector items = new ASN1EncodableVector();
        oids.forEach(items::add);
        attributes.forEach(items::add);
        try {
            return base64(new DERSequence(items).getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode CsrAttrs", e);
        }
    }

    /**
     * A serverkeygen answer (RFC 7030 section 4.4.2): {@code multipart/mixed} with two parts, the
     * private key as base64 PKCS#8 ({@code application/pkcs8}, not encrypted: TLS protects it, as
     * section 4.4.2 allows), then its certificate as base64 certs-only, each part with
     * {@code Content-Transfer-Encoding: base64} in lines of 76 characters (RFC 2045 section 6.8),
     * lines ending in CRLF (RFC 2046 section 5.1.1).
     *
     * @param boundary a boundary that cannot occur in base64 (it holds a character base64 lacks)
     *                 and needs no quoting (no tspecials, RFC 2045 section 5.1)
     */
    public static ServerKeyGenAnswer serverKeyGen(byte[] privateKeyPkcs8, X509CertificateHolder certificate, String boundary) {
        Objects.requireNonNull(privateKeyPkcs8, "privateKeyPkcs8");
        Objects.requireNonNull(certificate, "certificate");
        if (!boundary.matches("[A-Za-z0-9'+_.-]{1,69}") || boundary.chars().noneMatch(c -> "'_.-".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("a boundary of letters, digits and ' + _ . -, one of ' _ . - (outside base64's alphabet)");
        }
        java.util.Base64.Encoder mime = java.util.Base64.getMimeEncoder(76, "\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String crlf = "\r\n";
        String body = "--" + boundary + crlf
                + "Content-Type: " + PKCS8 + crlf
                + TRANSFER_ENCODING_HEADER + ": " + TRANSFER_ENCODING + crlf + crlf
                + mime.encodeToString(privateKeyPkcs8) + crlf
                + "--" + boundary + crlf
                + "Content-Type: " + CERTS_ONLY + crlf
                + TRANSFER_ENCODING_HEADER + ": " + TRANSFER_ENCODING + crlf + crlf
                + mime.encodeToString(java.util.Base64.getDecoder().decode(certsOnly(List.of(certificate)))) + crlf
                + "--" + boundary + "--" + crlf;
        return new ServerKeyGenAnswer("multipart/mixed; boundary=" + boundary, body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * The certificates of a certs-only body, in order: what a client reads from cacerts or an
     * enroll answer. Base64 with or without line breaks.
     *
     * @throws MalformedEstResponseException when the body is no certs-only SignedData
     */
    public static List<X509CertificateHolder> readCertsOnly(byte[] body) throws MalformedEstResponseException {
        byte[] der = decodeBase64(body);
        if (BerNesting.check(der) != BerNesting.Verdict.WELL_FORMED) {
            throw new MalformedEstResponseException("the body is not a well-formed DER encoding");
        }
        try {
            CMSSignedData signedData = new CMSSignedData(der);
            if (!signedData.getSignerInfos().getSigners().isEmpty() || signedData.getSignedContent() != null) {
                throw new MalformedEstResponseException("a certs-only SignedData has no signer and no content");
            }
            List<X509CertificateHolder> certificates = new ArrayList<>(signedData.getCertificates().getMatches(null));
            if (certificates.isEmpty()) {
                throw new MalformedEstResponseException("the SignedData holds no certificate");
            }
            return certificates;
        } catch (CMSException | RuntimeException e) {
            throw new MalformedEstResponseException("the body is not a certs-only SignedData", e);
        }
    }

    /** Base64 as RFC 8951 section 3.2.2 allows it: line breaks and other white space are skipped. */
    static byte[] decodeBase64(byte[] body) throws MalformedEstResponseException {
        if (body == null || body.length == 0) {
            throw new MalformedEstResponseException("the body is empty");
        }
        StringBuilder text = new StringBuilder(body.length);
        for (byte b : body) {
            char c = (char) (b & 0xFF);
            if (!Character.isWhitespace(c)) {
                text.append(c);
            }
        }
        try {
            return Base64.getDecoder().decode(text.toString());
        } catch (IllegalArgumentException e) {
            throw new MalformedEstResponseException("the body is not base64", e);
        }
    }

    private static byte[] base64(byte[] der) {
        return Base64.getEncoder().encode(der);
    }
}
