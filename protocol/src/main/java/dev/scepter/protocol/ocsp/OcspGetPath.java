package dev.scepter.protocol.ocsp;

import dev.scepter.protocol.scep.MalformedScepMessageException;
import dev.scepter.protocol.scep.ScepMessageParameter;

/**
 * The request of a GET: {@code GET {url}/{url-encoding of base-64 encoding of the DER encoding of
 * the OCSPRequest}} (RFC 6960 appendix A.1, RFC 5019 section 5). Clients are not consistent
 * about the url-encoding: OpenSSL and Windows percent-encode {@code + / =}, others send them raw,
 * some use the URL-safe alphabet or drop the padding. The suffix is therefore taken raw from the
 * request URI, before the servlet container decodes or normalises it, and decoded here.
 */
public final class OcspGetPath {

    private OcspGetPath() {
    }

    /**
     * Decodes the path after the responder's base path ({@code /ocsp}) to the OCSPRequest's
     * bytes. Accepts: one or more leading {@code /} (raw or {@code %2F}); base64 with raw or
     * percent-encoded {@code + / =} ({@code %2B %2F %3D}, any case); a space where a proxy
     * decoded {@code +}; the URL-safe alphabet ({@code - _}, RFC 4648 section 5); missing
     * padding. The result is not checked to be an OCSPRequest: {@link OcspRequestDecoder} does
     * that.
     *
     * <p>Stripping every leading slash is safe because base64 of an OCSPRequest never starts
     * with one: its first byte, the SEQUENCE tag 0x30, encodes as {@code M}.
     *
     * @throws MalformedOcspRequestException when nothing or no base64 remains
     */
    public static byte[] decode(String rawPathSuffix) throws MalformedOcspRequestException {
        if (rawPathSuffix == null) {
            throw new MalformedOcspRequestException("the GET path holds no request");
        }
        // Percent-encoding at most triples the base64 of the largest request read.
        if (rawPathSuffix.length() > 3 * (OcspRequestDecoder.MAX_REQUEST_BYTES * 4 / 3 + 4)) {
            throw new MalformedOcspRequestException("the GET path is too long to hold an OCSPRequest");
        }
        String base64 = withoutLeadingSlashes(rawPathSuffix);
        if (base64.isEmpty()) {
            throw new MalformedOcspRequestException("the GET path holds no request");
        }
        try {
            // The same tolerant decoding as a SCEP GET's message parameter.
            return ScepMessageParameter.decode(base64);
        } catch (MalformedScepMessageException e) {
            // Its messages name the SCEP parameter; the cause keeps them for the log.
            throw new MalformedOcspRequestException("the GET path is not the base64 of a request", e);
        }
    }

    private static String withoutLeadingSlashes(String path) {
        int start = 0;
        while (true) {
            if (path.startsWith("/", start)) {
                start += 1;
            } else if (path.regionMatches(true, start, "%2F", 0, 3)) {
                start += 3;
            } else {
                return path.substring(start);
            }
        }
    }
}
