package dev.scepter.protocol.ocsp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes the OCSP request as the responder reads it: a POST body, and a GET's path after
 * {@code /ocsp/} (RFC 6960 appendix A.1). The contract: a request is decoded or
 * {@link MalformedOcspRequestException} is thrown, which the responder answers with
 * malformedRequest; anything else (a RuntimeException, StackOverflowError, OutOfMemoryError, a
 * hang) is a finding. Seeds ({@code OcspRequestFuzzTestInputs/}): {@code openssl ocsp -reqout},
 * and those requests in a GET's path as OpenSSL percent-encodes them or raw.
 */
class OcspRequestFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void postBody(byte[] body) {
        try {
            readAsTheResponderDoes(OcspRequestDecoder.decode(body));
        } catch (MalformedOcspRequestException expected) {
            // malformedRequest
        }
    }

    @FuzzTest(maxDuration = "60s")
    void getPath(byte[] path) {
        // The servlet container hands the raw request URI over as ISO-8859-1 characters.
        String rawPathSuffix = new String(path, StandardCharsets.ISO_8859_1);
        try {
            readAsTheResponderDoes(OcspRequestDecoder.decode(OcspGetPath.decode(rawPathSuffix)));
        } catch (MalformedOcspRequestException expected) {
            // malformedRequest
        }
    }

    /**
     * What the responder does with a decoded request: match each CertID against the CA and echo
     * every CertID and the nonce in a signed response. A request that decodes must be answerable.
     */
    private static void readAsTheResponderDoes(OcspRequest request) {
        List<SingleAnswer> answers = new ArrayList<>();
        for (CertificateId id : request.certificateIds()) {
            ISSUER.matches(id);
            answers.add(new SingleAnswer(id, new CertStatus.Good(), NOW, Optional.of(NOW.plusSeconds(3600))));
        }
        RESPONDER.successful(answers, request.nonce(), NOW);
    }

    private static final IssuerMatcher ISSUER = new IssuerMatcher(OcspTestPki.CA_CERT);
    private static final OcspResponseEncoder RESPONDER =
            new OcspResponseEncoder(OcspTestPki.delegatedResponder(), List.of(OcspTestPki.RESPONDER_CERT));
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
}
