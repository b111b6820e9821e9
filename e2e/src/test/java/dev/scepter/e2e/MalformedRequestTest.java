package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever arrives on a SCEP path, the answer is a 4xx or a signed CertRep FAILURE: never a 5xx,
 * never a stack trace, and nothing logged at ERROR.
 */
class MalformedRequestTest {

    private static final String PKI_MESSAGE = "application/x-pki-message";

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withDefaults();
    private static X509Certificate ca;
    /** A well-formed PKCSReq with the right challenge, to mangle. */
    private static byte[] pkcsReq;

    @BeforeAll
    static void makeRequest() {
        ca = server.caCertificate();
        pkcsReq = ScepMessages.pkcsReq(ScepMessages.Requester.create("corpus"), ca, "corpus", server.staticChallenge()).der();
    }

    static Stream<Named<Function<Scepter, HttpRequest>>> badRequests() {
        return Stream.of(
                bad("GET message that is not base64", s -> get(s, "scep?operation=PKIOperation&message=this!is!not!base64")),
                bad("GET message of truncated DER", s -> get(s, "scep?operation=PKIOperation&message="
                        + URLEncoder.encode(Base64.getEncoder().encodeToString(half(pkcsReq)), StandardCharsets.US_ASCII))),
                bad("GET PKIOperation without a message", s -> get(s, "scep?operation=PKIOperation")),
                bad("GET PKIOperation with an empty message", s -> get(s, "scep?operation=PKIOperation&message=")),
                bad("POST of random bytes", s -> post(s, "scep?operation=PKIOperation", PKI_MESSAGE, random(2048))),
                bad("POST of truncated DER", s -> post(s, "scep?operation=PKIOperation", PKI_MESSAGE, half(pkcsReq))),
                bad("POST of a DER SEQUENCE that is no ContentInfo", s -> post(s, "scep?operation=PKIOperation", PKI_MESSAGE,
                        new byte[] {0x30, 0x03, 0x02, 0x01, 0x05})),
                bad("POST of a DER certificate, not CMS", s -> post(s, "scep?operation=PKIOperation", PKI_MESSAGE, encoded(ca))),
                bad("POST of a certs-only CMS SignedData, not SCEP", s -> post(s, "scep?operation=PKIOperation", PKI_MESSAGE,
                        ScepMessages.certsOnly(ca))),
                bad("POST of an empty body", s -> post(s, "scep?operation=PKIOperation", PKI_MESSAGE, new byte[0])),
                bad("POST of a PKCSReq as application/json", s -> post(s, "scep?operation=PKIOperation", "application/json", pkcsReq)),
                bad("POST of a 1 MiB body", s -> post(s, "scep?operation=PKIOperation", PKI_MESSAGE, random(1024 * 1024))),
                bad("POST of random bytes to /static", s -> post(s, "static?operation=PKIOperation", PKI_MESSAGE, random(512))),
                bad("unknown operation", s -> get(s, "scep?operation=GetEverything")),
                bad("missing operation", s -> get(s, "scep")),
                bad("missing operation with a message", s -> get(s, "scep?message=" + URLEncoder.encode(
                        Base64.getEncoder().encodeToString(pkcsReq), StandardCharsets.US_ASCII))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isAnsweredWithA4xxOrACertRepFailureAndNoStackTrace(Function<Scepter, HttpRequest> badRequest) throws Exception {
        int logMark = server.logMark();
        HttpRequest request = badRequest.apply(server);

        HttpResponse<byte[]> response = server.send(request);

        String body = new String(response.body(), StandardCharsets.ISO_8859_1);
        String described = request.method() + " " + request.uri() + " -> HTTP " + response.statusCode() + " "
                + response.headers().map() + "\n" + body.substring(0, Math.min(body.length(), 2000));
        assertThat(body).as(described).doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("at org.")
                // Nor the parser's own words, which name library classes.
                .doesNotContain("org.bouncycastle").doesNotContain("cannot be cast");
        if (response.statusCode() == 200) {
            ScepMessages.CertRep certRep = ScepMessages.readCertRep(response.body(), ca, null);
            assertThat(certRep.messageType()).as("a 200 must be a CertRep: %s", described).isEqualTo(ScepMessages.CERT_REP);
            assertThat(certRep.pkiStatus()).as("a 200 must be a FAILURE: %s", described).isEqualTo(ScepMessages.FAILURE);
        } else {
            assertThat(response.statusCode()).as(described).isBetween(400, 499);
        }
        assertThat(server.logSince(logMark)).as("the server log for %s", described).doesNotContain(" ERROR ");
    }

    private static Named<Function<Scepter, HttpRequest>> bad(String name, Function<Scepter, HttpRequest> request) {
        return Named.of(name, request);
    }

    private static HttpRequest get(Scepter server, String pathAndQuery) {
        return HttpRequest.newBuilder(server.url(pathAndQuery)).GET().build();
    }

    private static HttpRequest post(Scepter server, String pathAndQuery, String contentType, byte[] body) {
        return HttpRequest.newBuilder(server.url(pathAndQuery))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private static byte[] half(byte[] der) {
        return Arrays.copyOf(der, der.length / 2);
    }

    /** Fixed seeds: the same corpus every run. */
    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
