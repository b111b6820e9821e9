package dev.scepter.protocol.csr;

import dev.scepter.protocol.asn1.BerNesting;
import dev.scepter.protocol.asn1.X500Names;
import dev.scepter.protocol.crypto.SignatureChecks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Reads what an enrollment needs from a PKCS#10 request (RFC 2986). */
public final class CertificationRequests {

    /**
     * The largest request read, in any form. A PKCS#10 with an RSA 4096 key and a few SANs is
     * about 2 KiB in DER; 64 KiB leaves room for many extensions and PEM's third more.
     */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    private CertificationRequests() {
    }

    /**
     * Decodes a PKCS#10 request (RFC 2986 section 4) as a client sends it: DER, PEM (RFC 7468
     * section 7, any {@code -----BEGIN ...-----} label) or bare base64, line breaks allowed. The
     * size and the nesting depth are checked before BouncyCastle parses anything
     * ({@link BerNesting}), so no input overflows the stack. The request's signature and key are
     * not judged here: that is the enrollment's proof-of-possession and key policy.
     *
     * @throws MalformedCertificationRequestException when the bytes are no such request
     */
    public static PKCS10CertificationRequest decode(byte[] body) throws MalformedCertificationRequestException {
        if (body == null || body.length == 0) {
            throw new MalformedCertificationRequestException("the request is empty");
        }
        if (body.length > MAX_REQUEST_BYTES) {
            throw new MalformedCertificationRequestException(
                    "the request is " + body.length + " bytes, more than " + MAX_REQUEST_BYTES);
        }
        return decodeDer(base64Decoded(body));
    }

    /**
     * Decodes a DER PKCS#10 request, as a SCEP messageData carries it (RFC 8894 section 3.3.1),
     * with the checks of {@link #decode}. What the enrollment reads must be readable too: the
     * subject ({@link X500Names}) and the extensionRequest attribute.
     *
     * @throws MalformedCertificationRequestException when the bytes are no such request
     */
    public static PKCS10CertificationRequest decodeDer(byte[] der) throws MalformedCertificationRequestException {
        if (der == null || der.length == 0) {
            throw new MalformedCertificationRequestException("the request is empty");
        }
        switch (BerNesting.check(der)) {
            case NOT_WELL_FORMED:
                throw new MalformedCertificationRequestException("the request is not a well-formed DER encoding");
            case TOO_DEEP:
                throw new MalformedCertificationRequestException(
                        "the request nests deeper than " + BerNesting.MAX_DEPTH + " levels");
            default:
                break;
        }
        PKCS10CertificationRequest csr;
        try {
            ASN1Primitive request = ASN1Primitive.fromByteArray(der);
            // The CertificationRequestInfo as the client signed it, re-encoded without DER's sorting.
            byte[] signedInfo = ASN1Sequence.getInstance(request).getObjectAt(0).toASN1Primitive().getEncoded(ASN1Encoding.DL);
            csr = new Received(CertificationRequest.getInstance(request), signedInfo);
        } catch (IOException | RuntimeException e) {
            throw new MalformedCertificationRequestException("the request is not a PKCS#10 CertificationRequest", e);
        }
        if (!X500Names.readable(csr.getSubject())) {
            throw new MalformedCertificationRequestException("the request's subject cannot be read");
        }
        try {
            // BouncyCastle parses the extensionRequest attribute (RFC 2985 section 5.4.2) only when asked.
            csr.getRequestedExtensions();
        } catch (RuntimeException e) {
            throw new MalformedCertificationRequestException("the request's extensionRequest cannot be read", e);
        }
        return csr;
    }

    /**
     * The DER inside PEM armour or bare base64; the body itself when it is neither. DER never
     * reads as base64: a request of 128 bytes or more starts {@code 0x30 0x81} or {@code 0x30 0x82},
     * and 0x81 and 0x82 are no ASCII.
     */
    private static byte[] base64Decoded(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1).strip();
        StringBuilder base64 = new StringBuilder(text.length());
        for (String line : text.split("\\R")) {
            String content = line.strip();
            if (content.startsWith("-----") && content.endsWith("-----")) {
                // PEM's encapsulation boundaries (RFC 7468 section 2).
                continue;
            }
            for (int i = 0; i < content.length(); i++) {
                char c = content.charAt(i);
                boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || c == '+' || c == '/' || c == '=';
                if (alphabet) {
                    base64.append(c);
                } else if (!Character.isWhitespace(c)) {
                    return body;
                }
            }
        }
        if (base64.length() == 0) {
            return body;
        }
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            return body;
        }
    }

    /**
     * The challengePassword attribute (RFC 2985 section 5.4.1), which SCEP uses to carry the
     * enrollment challenge (RFC 8894 section 2.2). A value that is not text in its own encoding
     * (a UTF8String of invalid UTF-8) is no challenge.
     */
    public static Optional<String> challengePassword(PKCS10CertificationRequest csr) {
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                if (value instanceof ASN1String text) {
                    try {
                        return Optional.of(text.getString());
                    } catch (IllegalArgumentException notText) {
                        // BouncyCastle decodes a UTF8String only when asked, and refuses invalid UTF-8 then.
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The extensions requested through the extensionRequest attribute (RFC 2985 section 5.4.2), if any. */
    public static Optional<Extensions> requestedExtensions(PKCS10CertificationRequest csr) {
        return Optional.ofNullable(csr.getRequestedExtensions());
    }

    /** Microsoft's EnrollmentNameValuePair attribute (szOID_ENROLLMENT_NAME_VALUE_PAIR). */
    static final ASN1ObjectIdentifier NAME_VALUE_PAIR = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.13.2.1");

    /**
     * The validity a request asks for in Microsoft's name/value pairs {@code ValidityPeriod}
     * (Minutes, Hours, Days, Weeks, Months, Years) and {@code ValidityPeriodUnits}, as Windows and
     * SCEPman's clients send them; months count 30 days and years 365. Empty when absent or
     * unreadable: the endpoint's caps apply then.
     */
    public static Optional<Duration> requestedValidity(PKCS10CertificationRequest csr) {
        Map<String, String> pairs = new HashMap<>();
        for (Attribute attribute : csr.getAttributes(NAME_VALUE_PAIR)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                try {
                    ASN1Sequence pair = ASN1Sequence.getInstance(value);
                    if (pair.size() == 2 && pair.getObjectAt(0) instanceof ASN1String name && pair.getObjectAt(1) instanceof ASN1String text) {
                        pairs.put(name.getString().trim().toLowerCase(Locale.ROOT), text.getString().trim());
                    }
                } catch (IllegalArgumentException e) {
                    // Not a pair: ignored, like any attribute we do not read.
                }
            }
        }
        String period = pairs.get("validityperiod");
        String units = pairs.get("validityperiodunits");
        if (period == null || units == null || !units.matches("[0-9]{1,6}")) {
            return Optional.empty();
        }
        long count = Long.parseLong(units);
        Duration unit = switch (period.toLowerCase(Locale.ROOT)) {
            case "minutes" -> Duration.ofMinutes(1);
            case "hours" -> Duration.ofHours(1);
            case "days" -> Duration.ofDays(1);
            case "weeks" -> Duration.ofDays(7);
            case "months" -> Duration.ofDays(30);
            case "years" -> Duration.ofDays(365);
            default -> null;
        };
        return count > 0 && unit != null ? Optional.of(unit.multipliedBy(count)) : Optional.empty();
    }

    /**
     * Proof of possession: the request is signed by the key it asks a certificate for. A request
     * from {@link #decode} or {@link #decodeDer} is checked over the CertificationRequestInfo as it
     * was sent. BouncyCastle's own check re-encodes it in DER, which sorts the SET OF attributes
     * (X.690 section 11.6), and strongSwan's {@code pki} sends its challengePassword after its
     * extensionRequest: its requests with SANs failed the check.
     */
    public static boolean isSelfSignatureValid(PKCS10CertificationRequest csr) {
        byte[] signedInfo;
        try {
            signedInfo = csr instanceof Received received ? received.signedInfo
                    : csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            return false;
        }
        // An unreadable key or unknown algorithm is a request we cannot accept, not a server fault.
        // RSA by the provider chosen for it (SignatureChecks), the rest by BouncyCastle.
        return SignatureChecks.passes(csr.getSubjectPublicKeyInfo(), (publicKey, provider) -> {
            JcaContentVerifierProviderBuilder builder = new JcaContentVerifierProviderBuilder();
            provider.ifPresent(builder::setProvider);
            ContentVerifier verifier = builder.build(publicKey).get(csr.getSignatureAlgorithm());
            try (OutputStream out = verifier.getOutputStream()) {
                out.write(signedInfo);
            }
            return verifier.verify(csr.getSignature());
        });
    }

    /** A request as it was received: the bytes its signature covers are kept. */
    private static final class Received extends PKCS10CertificationRequest {
        private final byte[] signedInfo;

        Received(CertificationRequest request, byte[] signedInfo) {
            super(request);
            this.signedInfo = signedInfo;
        }
    }
}
