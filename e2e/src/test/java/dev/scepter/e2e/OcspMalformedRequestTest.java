package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever arrives on {@code /ocsp}, the answer is an OCSPResponse in HTTP 200 (malformedRequest
 * for what is no answerable OCSPRequest), or a 4xx for a body far too large: never a 5xx, never a
 * stack trace, nothing logged at ERROR. And the HTTP/1.0 requests without a Host header that Cisco
 * ISE and ClearPass send are answered.
 */
class OcspMalformedRequestTest {

    private static final String OCSP_REQUEST = "application/ocsp-request";
    /** The whole OCSPResponse for malformedRequest: SEQUENCE { ENUMERATED 1 }, no responseBytes. */
    private static final byte[] MALFORMED_REQUEST = {0x30, 0x03, 0x0a, 0x01, 0x01};

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withDefaults();
    private static X509Certificate ca;
    @TempDir
    static Path shared;
    private static Path caPem;
    /** A well-formed request made by openssl (with its nonce), to mangle. */
    private static byte[] opensslRequest;

    @BeforeAll
    static void makeRequest() throws Exception {
        ca = server.caCertificate();
        caPem = server.caCertificatePem(shared);
        Path request = shared.resolve("request.der");
        Command.Result made = Command.run(shared, "openssl", "ocsp", "-issuer", caPem.toString(), "-serial",
                "0x50" + HexFormat.of().formatHex(OcspFixtures.random(19)), "-reqout", request.toString());
        assertThat(made.exitCode()).as("%s", made).isZero();
        opensslRequest = Files.readAllBytes(request);
    }

    static Stream<Named<Function<Scepter, HttpRequest>>> malformed() {
        return Stream.of(
                bad("POST of random bytes", s -> post(s, OcspFixtures.random(100))),
                bad("POST of truncated DER of an openssl request", s -> post(s, Arrays.copyOf(opensslRequest, opensslRequest.length / 2))),
                bad("POST of an openssl request with one byte cut off", s -> post(s, Arrays.copyOf(opensslRequest, opensslRequest.length - 1))),
                bad("POST of an openssl request with a byte appended", s -> post(s, Arrays.copyOf(opensslRequest, opensslRequest.length + 1))),
                bad("POST of an empty body", s -> post(s, new byte[0])),
                bad("POST of a DER certificate, not a request", s -> post(s, encoded(ca))),
                bad("POST of a DER SEQUENCE { INTEGER 5 }", s -> post(s, new byte[] {0x30, 0x03, 0x02, 0x01, 0x05})),
                bad("POST of HTML", s -> post(s, "<html><body>hello</body></html>".getBytes(StandardCharsets.US_ASCII))),
                bad("POST of BER nested 10,000 levels deep", s -> post(s, deeplyNested(10_000))),
                bad("POST with a nonce of 129 bytes", s -> post(s, withNonce(129))),
                bad("POST with an empty nonce", s -> post(s, withNonce(0))),
                bad("POST asking about 33 certificates", s -> post(s, request(33, null))),
                bad("POST with an unknown critical extension", s -> post(s, request(1, new Extensions(new Extension(
                        new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1"), true, new DEROctetString(new byte[] {1})))))),
                bad("GET of a path that is not base64", s -> get(s, "ocsp/this!is@not%20base64")),
                bad("GET of base64 of truncated DER", s -> get(s, "ocsp/" + urlEncode(Base64.getEncoder().encodeToString(
                        Arrays.copyOf(opensslRequest, opensslRequest.length / 2))))),
                bad("GET of base64 of random bytes", s -> get(s, "ocsp/" + urlEncode(Base64.getEncoder().encodeToString(
                        OcspFixtures.random(60))))),
                bad("GET with an empty request", s -> get(s, "ocsp/")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isAnsweredMalformedRequestInHttp200WithoutAStackTrace(Function<Scepter, HttpRequest> badRequest) throws Exception {
        int logMark = server.logMark();
        HttpRequest request = badRequest.apply(server);

        HttpResponse<byte[]> response = server.send(request);

        assertThat(response.statusCode()).as("HTTP status").isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
        assertThat(new OCSPResp(response.body()).getStatus()).as("OCSPResponseStatus").isEqualTo(OCSPResp.MALFORMED_REQUEST);
        assertThat(response.body()).as("malformedRequest, nothing else").isEqualTo(MALFORMED_REQUEST);
        assertQuietLog(logMark);
    }

    /** Far beyond any OCSP request: refused before it is read to the end. */
    @Test
    void aOneMebibyteBodyIsRefusedWith413(@TempDir Path dir) {
        int logMark = server.logMark();

        HttpResponse<byte[]> response = server.send(post(server, OcspFixtures.random(1024 * 1024)));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
        assertQuietLog(logMark);
        // The server still answers.
        assertThat(server.send(post(server, opensslRequest)).statusCode()).isEqualTo(200);
    }

    /**
     * CertIDs hashed with MD5 are well-formed but name no issuer this responder can recognise: on
     * their own, the request is unauthorized (as for another CA's certificates); beside a SHA-1
     * CertID, they are answered unknown while the SHA-1 one is answered.
     */
    @Test
    void md5CertIdsAreNotRecognisedAsOurs(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "md5");
        int logMark = server.logMark();

        Command.Result alone = OpensslOcsp.query(dir, server.url("ocsp"), caPem, List.of("-md5"), "-cert", cert.pem().toString());
        assertThat(alone.output()).as("%s", alone).contains("Responder Error: unauthorized (6)");

        String md5Serial = "0x" + cert.serialHex();
        Command.Result mixed = Command.run(dir, "openssl", "ocsp", "-issuer", caPem.toString(), "-CAfile", caPem.toString(),
                "-url", server.url("ocsp").toString(), "-md5", "-serial", md5Serial, "-sha1", "-cert", cert.pem().toString());
        OpensslOcsp.assertStatus(mixed, md5Serial, "unknown", null);
        OpensslOcsp.assertGood(mixed, cert.pem());
        assertQuietLog(logMark);
    }

    /** RFC 9654: 1 to 128 octets; the longest is echoed. */
    @Test
    void aNonceOf128BytesIsAnsweredAndEchoed() throws Exception {
        HttpResponse<byte[]> response = server.send(post(server, withNonce(128)));

        OCSPResp parsed = new OCSPResp(response.body());
        assertThat(parsed.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        Extension nonce = ((org.bouncycastle.cert.ocsp.BasicOCSPResp) parsed.getResponseObject())
                .getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        assertThat(DEROctetString.getInstance(nonce.getParsedValue()).getOctets()).hasSize(128);
    }

    /** Cisco ISE and ClearPass (up to 6.9.5) send HTTP/1.0 without a Host header. */
    @Test
    void http10PostWithoutAHostHeaderIsAnswered(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "http10");
        Path request = dir.resolve("request.der");
        assertThat(Command.run(dir, "openssl", "ocsp", "-issuer", caPem.toString(), "-cert", cert.pem().toString(), "-reqout",
                request.toString()).exitCode()).isZero();
        byte[] body = Files.readAllBytes(request);

        RawResponse post = raw(("POST /ocsp HTTP/1.0\r\nContent-Type: " + OCSP_REQUEST + "\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body);
        RawResponse get = raw(("GET /ocsp/" + Base64.getEncoder().encodeToString(body) + " HTTP/1.0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), new byte[0]);

        for (RawResponse response : List.of(post, get)) {
            assertThat(response.statusLine()).as("%s", response.head()).matches("HTTP/1\\.[01] 200.*");
            assertThat(response.head().toLowerCase(Locale.ROOT)).contains("content-type: application/ocsp-response");
            Path der = Files.write(Files.createTempFile(dir, "response-", ".der"), response.body());
            Command.Result verified = Command.run(dir, "openssl", "ocsp", "-reqin", request.toString(), "-respin", der.toString(),
                    "-CAfile", caPem.toString());
            OpensslOcsp.assertVerified(verified);
            OpensslOcsp.assertGood(OpensslOcsp.verifyResponse(dir, der, caPem, "-cert", cert.pem().toString()), cert.pem());
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    private record RawResponse(String head, byte[] body) {
        String statusLine() {
            return head.lines().findFirst().orElse("");
        }
    }

    /** Sends bytes over a plain socket and reads until the server closes (HTTP/1.0). */
    private static RawResponse raw(byte[] head, byte[] body) throws Exception {
        URI base = server.baseUrl();
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            byte[] bytes = all.toByteArray();
            int split = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(split).as("an HTTP response: %s", new String(bytes, StandardCharsets.ISO_8859_1)).isPositive();
            String responseHead = new String(bytes, 0, split, StandardCharsets.ISO_8859_1);
            byte[] responseBody = Arrays.copyOfRange(bytes, split + 4, bytes.length);
            responseHead.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:")).findFirst()
                    .ifPresent(l -> assertThat(responseBody).hasSize(Integer.parseInt(l.substring(15).strip())));
            return new RawResponse(responseHead, responseBody);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void assertQuietLog(int logMark) {
        String log = server.logSince(logMark);
        assertThat(log).as("server log").doesNotContain(" ERROR ").doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static Named<Function<Scepter, HttpRequest>> bad(String name, Function<Scepter, HttpRequest> request) {
        return Named.of(name, request);
    }

    private static HttpRequest post(Scepter server, byte[] body) {
        return HttpRequest.newBuilder(server.url("ocsp")).header("Content-Type", OCSP_REQUEST)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static HttpRequest get(Scepter server, String path) {
        return HttpRequest.newBuilder(server.url(path)).GET().build();
    }

    private static String urlEncode(String base64) {
        return base64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code levels} indefinite-length SEQUENCEs inside each other, each closed. */
    private static byte[] deeplyNested(int levels) {
        byte[] bytes = new byte[levels * 4];
        for (int i = 0; i < levels; i++) {
            bytes[2 * i] = 0x30;
            bytes[2 * i + 1] = (byte) 0x80;
        }
        // End-of-contents octets (00 00) close every level.
        return bytes;
    }

    private static byte[] withNonce(int length) {
        return request(1, new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                new DEROctetString(OcspFixtures.random(length)))));
    }

    /** A request about {@code count} serials of our CA, SHA-1 CertIDs, with these extensions. */
    private static byte[] request(int count, Extensions extensions) {
        try {
            OCSPReqBuilder builder = new OCSPReqBuilder();
            for (int i = 0; i < count; i++) {
                builder.addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                        new JcaX509CertificateHolder(ca), new BigInteger(1, OcspFixtures.random(20))));
            }
            if (extensions != null) {
                builder.setRequestExtensions(extensions);
            }
            return builder.build().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build an OCSP request", e);
        }
    }
}
