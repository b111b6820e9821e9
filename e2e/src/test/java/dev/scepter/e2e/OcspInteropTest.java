package dev.scepter.e2e;

import static dev.scepter.e2e.OpensslOcsp.assertGood;
import static dev.scepter.e2e.OpensslOcsp.assertStatus;
import static dev.scepter.e2e.OpensslOcsp.assertVerified;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.ResponderID;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openssl ocsp} against the launcher: device-bound certificates from {@code /static/aad}
 * follow their device in the embedded directory, manual revocations show at once with their
 * reason, serials never issued are unknown, nonces are echoed, SHA-1 and SHA-2 CertIDs and several
 * certificates per request are answered, GET (RFC 5019, raw and percent-encoded base64, with cache
 * headers) and POST both work, and every response verifies against the CA through the delegated
 * responder certificate it carries. The caches keep their defaults (5 s each, 15 s bound).
 */
class OcspInteropTest {

    private static final String AAD_CHALLENGE = "aad-e2e-challenge";
    /** CONTRACT.md: the sum of the three caches' defaults. */
    private static final Duration DEFAULT_BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__StaticAADValidation__Enabled", "true",
            "AppConfig__StaticAADValidation__RequestPassword", AAD_CHALLENGE));
    private static CoreApi api;
    private static URI ocsp;

    @TempDir
    static Path shared;
    private static Path caPem;

    @BeforeAll
    static void clients() {
        api = new CoreApi(server);
        ocsp = server.url("ocsp");
        caPem = server.caCertificatePem(shared);
    }

    private static Command.Result ask(Path dir, Path certificate, String... flags) {
        return OpensslOcsp.queryCert(dir, ocsp, caPem, certificate, flags);
    }

    @Test
    void aDeviceBoundCertificateFollowsItsDeviceAtOnceOnThisNode(@TempDir Path dir) throws Exception {
        UUID device = UUID.randomUUID();
        OcspFixtures.Issued cert = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, device);
        api.device(device, true);
        assertGood(ask(dir, cert.pem()), cert.pem());

        // openssl sends a nonce by default, so no cached response stands between the change and the answer.
        api.device(device, false);
        assertStatus(ask(dir, cert.pem()), cert.pem(), "revoked", "certificateHold");

        api.device(device, true);
        assertGood(ask(dir, cert.pem()), cert.pem());

        api.deleteDevice(device);
        assertStatus(ask(dir, cert.pem()), cert.pem(), "revoked", "cessationOfOperation");
    }

    /**
     * Without a nonce a response may come from the 5 s response cache; with the defaults the
     * change still shows within the 15 s bound. (Enabled again, within the bound, is shown across
     * two nodes in {@link OcspOnPostgresTest}.)
     */
    @Test
    void withoutANonceADisabledDeviceIsOnHoldWithinTheDefaultBound(@TempDir Path dir) throws Exception {
        UUID device = UUID.randomUUID();
        OcspFixtures.Issued cert = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, device);
        api.device(device, true);
        assertGood(ask(dir, cert.pem(), "-no_nonce"), cert.pem());

        api.device(device, false);
        Duration onHold = OcspFixtures.awaitStatus("disabled device", DEFAULT_BOUND, () -> ask(dir, cert.pem(), "-no_nonce"),
                cert.pem().toString(), new OpensslOcsp.Status("revoked", Optional.of("certificateHold")));
        System.out.printf("OcspInteropTest: without a nonce, on hold after %d ms (bound %d s)%n", onHold.toMillis(),
                DEFAULT_BOUND.toSeconds());
    }

    /**
     * "A directory change through this node's API takes effect at once on this node": also for a
     * request without a nonce, whose earlier answer sits in the response cache (as a manual
     * revocation on this node clears it, see below).
     */
    @Test
    void aDirectoryChangeThroughThisNodesApiShowsAtOnceAlsoWithoutANonce(@TempDir Path dir) throws Exception {
        UUID device = UUID.randomUUID();
        OcspFixtures.Issued cert = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, device);
        api.device(device, true);
        assertGood(ask(dir, cert.pem(), "-no_nonce"), cert.pem());

        api.device(device, false);
        assertStatus(ask(dir, cert.pem(), "-no_nonce"), cert.pem(), "revoked", "certificateHold");
    }

    @Test
    void aManuallyRevokedStaticCertificateIsRevokedAtOnceWithItsReason(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "revoke-me");
        // Unbound (type 0x50): good until revoked by hand; the answer without nonce is now cached.
        assertGood(ask(dir, cert.pem(), "-no_nonce"), cert.pem());

        HttpResponse<byte[]> revoked = api.revoke(cert.serialHex(), 1);
        assertThat(revoked.statusCode()).as(CoreApi.body(revoked)).isEqualTo(200);
        assertThat(new String(revoked.body(), StandardCharsets.UTF_8)).containsIgnoringCase(cert.serial().toString(16));

        // At once, past the response cache, with and without a nonce.
        assertStatus(ask(dir, cert.pem(), "-no_nonce"), cert.pem(), "revoked", "keyCompromise");
        assertStatus(ask(dir, cert.pem()), cert.pem(), "revoked", "keyCompromise");

        HttpResponse<byte[]> again = api.revoke(cert.serialHex().toLowerCase(), 4);
        assertThat(again.statusCode()).as(CoreApi.body(again)).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(new String(again.body(), StandardCharsets.UTF_8)).contains("\"errorCode\":5013");
        // The first revocation stands.
        assertStatus(ask(dir, cert.pem()), cert.pem(), "revoked", "keyCompromise");

        HttpResponse<byte[]> unknown = api.revoke("50" + HexFormat.of().formatHex(OcspFixtures.random(19)), 1);
        assertThat(unknown.statusCode()).as(CoreApi.body(unknown)).isEqualTo(404);
        assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).contains("\"errorCode\":7012");

        String found = api.search(cert.serialHex());
        assertThat(found).as("search for %s", cert.serialHex()).containsIgnoringCase("\"serialNumber\":\"" + cert.serial().toString(16) + "\"")
                .contains("\"revocationReason\":1").contains("e2e@example.com");
        assertThat(api.audit()).contains("certificate.revoke").containsIgnoringCase(cert.serial().toString(16) + " reason 1");
    }

    @Test
    void serialsWeNeverIssuedAreUnknown(@TempDir Path dir) {
        // A static type byte and a bound one: an unissued bound serial is unknown, not "device not found".
        String staticSerial = "0x50" + HexFormat.of().formatHex(OcspFixtures.random(19));
        String boundSerial = "0x40" + HexFormat.of().formatHex(OcspFixtures.random(3)) + HexFormat.of().formatHex(OcspFixtures.dotNetBytes(UUID.randomUUID()));
        Command.Result result = OpensslOcsp.query(dir, ocsp, caPem, List.of(), "-serial", staticSerial, "-serial", boundSerial);

        assertStatus(result, staticSerial, "unknown", null);
        assertStatus(result, boundSerial, "unknown", null);
    }

    @Test
    void theNonceIsEchoedAndNoneIsAddedWithoutOne(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "nonce");

        // openssl sends a nonce and checks the echo: a missing or different one is a warning or an error.
        Command.Result withNonce = ask(dir, cert.pem(), "-resp_text");
        assertGood(withNonce, cert.pem());
        assertThat(withNonce.output()).contains("OCSP Nonce").doesNotContain("WARNING").doesNotContainIgnoringCase("nonce verify error");

        Command.Result without = ask(dir, cert.pem(), "-no_nonce", "-resp_text");
        assertGood(without, cert.pem());
        assertThat(without.output()).doesNotContain("OCSP Nonce");

        // The echo is byte for byte, for a 32-byte nonce of our own.
        byte[] nonce = OcspFixtures.random(32);
        OCSPReqBuilder builder = new OCSPReqBuilder().addRequest(certificateId(cert));
        builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce))));
        BasicOCSPResp response = basic(post(builder.build().getEncoded()));
        Extension echoed = response.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        assertThat(echoed).as("nonce extension in the response").isNotNull();
        assertThat(((DEROctetString) DEROctetString.getInstance(echoed.getParsedValue())).getOctets()).isEqualTo(nonce);
    }

    @Test
    void sha2CertIdsAreAnsweredInTheirOwnHash(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "sha2");
        for (String digest : List.of("-sha256", "-sha384", "-sha512")) {
            Command.Result result = OpensslOcsp.query(dir, ocsp, caPem, List.of(digest), "-cert", cert.pem().toString(), "-resp_text");
            assertGood(result, cert.pem());
            assertThat(result.stdout()).as("%s:\n%s", digest, result).contains("Hash Algorithm: " + digest.substring(1));
        }
    }

    @Test
    void severalCertificatesInOneRequestAreEachAnswered(@TempDir Path dir) throws Exception {
        UUID device = UUID.randomUUID();
        OcspFixtures.Issued bound = OcspFixtures.enrollBound(server, dir, AAD_CHALLENGE, device);
        api.device(device, false);
        OcspFixtures.Issued good = OcspFixtures.enrollStatic(server, dir, "multi-good");
        OcspFixtures.Issued revoked = OcspFixtures.enrollStatic(server, dir, "multi-revoked");
        api.revoked(revoked.serialHex(), 3);
        String unknown = "0x50" + HexFormat.of().formatHex(OcspFixtures.random(19));

        Command.Result result = OpensslOcsp.query(dir, ocsp, caPem, List.of(), "-cert", good.pem().toString(), "-cert",
                bound.pem().toString(), "-cert", revoked.pem().toString(), "-serial", unknown);

        assertGood(result, good.pem());
        assertStatus(result, bound.pem(), "revoked", "certificateHold");
        assertStatus(result, revoked.pem(), "revoked", "affiliationChanged");
        assertStatus(result, unknown, "unknown", null);
    }

    /**
     * RFC 5019 GET: the base64 request in the path, its '+' and '/' (even "//") as they are and,
     * for clients that encode them, as %2B and %2F; the answer carries the cache headers RFC 5019
     * section 6 asks for, and the same request is answered with the same cached bytes.
     */
    @Test
    void getWithRawAndPercentEncodedBase64CarriesRfc5019CacheHeaders(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "get");
        // A second serial that puts "////" into the base64 (six 0xFF bytes), retried until '+' shows too.
        String extra = null;
        String base64 = null;
        Path request = dir.resolve("request.der");
        for (int attempt = 0; attempt < 200 && (base64 == null || !base64.contains("+")); attempt++) {
            extra = "0x50FFFFFFFFFFFF" + HexFormat.of().formatHex(OcspFixtures.random(13));
            Command.Result made = Command.run(dir, "openssl", "ocsp", "-issuer", caPem.toString(), "-cert", cert.pem().toString(),
                    "-serial", extra, "-no_nonce", "-reqout", request.toString());
            assertThat(request).as("openssl wrote no request:\n%s", made).isRegularFile();
            base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(request));
        }
        assertThat(base64).contains("+").contains("//");

        HttpResponse<byte[]> raw = server.send(HttpRequest.newBuilder(URI.create(ocsp + "/" + base64)).GET().build());
        HttpResponse<byte[]> encoded = server.send(HttpRequest.newBuilder(URI.create(ocsp + "/"
                + base64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"))).GET().build());
        HttpResponse<byte[]> rawAgain = server.send(HttpRequest.newBuilder(URI.create(ocsp + "/" + base64)).GET().build());

        for (HttpResponse<byte[]> response : List.of(raw, encoded, rawAgain)) {
            assertThat(response.statusCode()).as("GET %s", response.uri()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
            Path der = Files.write(Files.createTempFile(dir, "response-", ".der"), response.body());
            Command.Result verified = OpensslOcsp.verifyResponse(dir, der, caPem, "-cert", cert.pem().toString(), "-serial", extra);
            assertGood(verified, cert.pem());
            assertStatus(verified, extra, "unknown", null);
        }
        // The same request, raw or encoded, within the response cache's 5 s: the same signed bytes.
        assertThat(encoded.body()).isEqualTo(raw.body());
        assertThat(rawAgain.body()).isEqualTo(raw.body());

        BasicOCSPResp basic = basic(raw.body());
        Instant thisUpdate = basic.getResponses()[0].getThisUpdate().toInstant();
        Instant nextUpdate = Arrays.stream(basic.getResponses()).map(r -> r.getNextUpdate().toInstant()).min(Instant::compareTo).orElseThrow();
        Instant date = ZonedDateTime.parse(raw.headers().firstValue("Date").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        String cacheControl = raw.headers().firstValue("Cache-Control").orElseThrow();
        Matcher maxAge = Pattern.compile("max-age=(\\d+)").matcher(cacheControl);
        assertThat(maxAge.find()).as("Cache-Control: %s", cacheControl).isTrue();
        assertThat(cacheControl).contains("public", "no-transform", "must-revalidate");
        long maxAgeSeconds = Long.parseLong(maxAge.group(1));
        long untilNextUpdate = Duration.between(date, nextUpdate).getSeconds();
        assertThat(maxAgeSeconds).as("max-age against nextUpdate %s and Date %s", nextUpdate, date)
                .isPositive().isBetween(untilNextUpdate - 2, untilNextUpdate + 1);
        assertThat(ZonedDateTime.parse(raw.headers().firstValue("Last-Modified").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant()).as("Last-Modified is thisUpdate").isEqualTo(thisUpdate);
        assertThat(ZonedDateTime.parse(raw.headers().firstValue("Expires").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant()).as("Expires is the earliest nextUpdate").isEqualTo(nextUpdate);
        String etag = raw.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[^\"]+\"");
        assertThat(rawAgain.headers().firstValue("ETag")).hasValue(etag);
        assertThat(encoded.headers().firstValue("ETag")).hasValue(etag);

        // A cache revalidating what it holds (RFC 9110 section 13.1.2): its entity tag gets 304 with no body
        // while the answer is the same; another tag gets the answer. The response cache lives 5 s, so an
        // answer signed anew between the two requests (a new tag) is fetched again, at most three times.
        for (String condition : List.of("%s", "\"other\", %s", "W/%s")) {
            HttpResponse<byte[]> revalidated = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                HttpResponse<byte[]> fresh = server.send(HttpRequest.newBuilder(URI.create(ocsp + "/" + base64)).GET().build());
                String freshTag = fresh.headers().firstValue("ETag").orElseThrow();
                revalidated = server.send(HttpRequest.newBuilder(URI.create(ocsp + "/" + base64))
                        .header("If-None-Match", condition.formatted(freshTag)).GET().build());
                // Only a 200 carrying a newer answer (another tag) is tried again; the same answer must be 304.
                if (revalidated.statusCode() != 200 || revalidated.headers().firstValue("ETag").orElse("").equals(freshTag)) {
                    break;
                }
            }
            assertThat(revalidated.statusCode()).as("If-None-Match: %s", condition).isEqualTo(304);
            assertThat(revalidated.body()).isEmpty();
        }
        HttpResponse<byte[]> otherTag = server.send(HttpRequest.newBuilder(URI.create(ocsp + "/" + base64))
                .header("If-None-Match", "\"other\"").GET().build());
        assertThat(otherTag.statusCode()).isEqualTo(200);
        assertThat(otherTag.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
        assertThat(otherTag.body()).isNotEmpty();
    }

    /** A GET that carries a nonce is answered for that request alone: no shared caching. */
    @Test
    void getWithANonceIsNotCacheable(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "get-nonce");
        OCSPReqBuilder builder = new OCSPReqBuilder().addRequest(certificateId(cert));
        builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                new DEROctetString(OcspFixtures.random(16)))));
        String base64 = Base64.getEncoder().encodeToString(builder.build().getEncoded());

        HttpResponse<byte[]> response = server.send(HttpRequest.newBuilder(URI.create(ocsp + "/"
                + base64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"))).GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(basic(response.body()).getResponses()[0].getCertStatus()).as("good").isNull();
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("ETag")).isEmpty();
    }

    @Test
    void postOfAnOpensslRequestIsAnsweredAsApplicationOcspResponse(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "post");
        Path request = dir.resolve("request.der");
        Command.Result made = Command.run(dir, "openssl", "ocsp", "-issuer", caPem.toString(), "-cert", cert.pem().toString(),
                "-reqout", request.toString());
        assertThat(made.exitCode()).as("%s", made).isZero();

        HttpResponse<byte[]> response = server.send(HttpRequest.newBuilder(ocsp).header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(request))).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
        Path der = Files.write(dir.resolve("response.der"), response.body());
        // -reqin without -cert: openssl checks the signature and that the response echoes this request's nonce...
        Command.Result nonceChecked = Command.run(dir, "openssl", "ocsp", "-reqin", request.toString(), "-respin", der.toString(),
                "-CAfile", caPem.toString());
        assertVerified(nonceChecked);
        assertThat(nonceChecked.output()).doesNotContain("WARNING").doesNotContain("Nonce Verify error");
        // ...and fails for another request's nonce, so the check above is a real one.
        Path other = dir.resolve("other-request.der");
        assertThat(Command.run(dir, "openssl", "ocsp", "-issuer", caPem.toString(), "-cert", cert.pem().toString(),
                "-reqout", other.toString()).exitCode()).isZero();
        Command.Result otherNonce = Command.run(dir, "openssl", "ocsp", "-reqin", other.toString(), "-respin", der.toString(),
                "-CAfile", caPem.toString());
        assertThat(otherNonce.output()).as("%s", otherNonce).contains("Nonce Verify error");
        assertGood(OpensslOcsp.verifyResponse(dir, der, caPem, "-cert", cert.pem().toString()), cert.pem());
    }

    /**
     * The response is signed by a delegated responder: a P-256 key certified by the CA for OCSP
     * signing only, carried in the response and named there by its key hash.
     */
    @Test
    void responsesAreSignedByADelegatedP256ResponderCertifiedByTheCa(@TempDir Path dir) throws Exception {
        OcspFixtures.Issued cert = OcspFixtures.enrollStatic(server, dir, "responder");
        BasicOCSPResp response = basic(post(new OCSPReqBuilder().addRequest(certificateId(cert)).build().getEncoded()));

        X509CertificateHolder[] carried = response.getCerts();
        assertThat(carried).as("certificates in the response").hasSize(1);
        X509CertificateHolder responder = carried[0];
        X509CertificateHolder ca = new JcaX509CertificateHolder(server.caCertificate());
        assertThat(responder.getIssuer()).isEqualTo(ca.getSubject());
        assertThat(responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca))).as("certified by the CA").isTrue();
        assertThat(ExtendedKeyUsage.fromExtensions(responder.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_OCSPSigning);
        assertThat(responder.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck)).as("id-pkix-ocsp-nocheck").isNotNull();
        java.security.cert.X509Certificate jca = new JcaX509CertificateConverter().getCertificate(responder);
        assertThat(jca.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) jca.getPublicKey()).getParams().getCurve().getField().getFieldSize()).as("P-256").isEqualTo(256);
        assertThat(response.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))).as("signed by the responder").isTrue();
        byte[] keyId = SubjectKeyIdentifier.fromExtensions(responder.getExtensions()).getKeyIdentifier();
        ResponderID id = response.getResponderId().toASN1Primitive();
        assertThat(id.getKeyHash()).as("responder ID by key").isEqualTo(keyId);
        assertThat(responder.isValidOn(new Date())).isTrue();
    }

    /** Relying parties such as Palo Alto ask about the CA certificate itself. */
    @Test
    void theCaCertificateItselfIsGood(@TempDir Path dir) {
        assertGood(ask(dir, caPem), caPem);
    }

    @Test
    void anIssuerThatIsNotOursIsUnauthorized(@TempDir Path dir) {
        Path otherKey = dir.resolve("other.key");
        Path otherCa = dir.resolve("other-ca.pem");
        Command.Result made = Command.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", otherKey.toString(), "-out", otherCa.toString(), "-subj", "/CN=Not Scepter", "-days", "2");
        assertThat(made.exitCode()).as("%s", made).isZero();

        Command.Result result = Command.run(dir, "openssl", "ocsp", "-issuer", otherCa.toString(), "-serial", "0x0102030405",
                "-url", ocsp.toString(), "-CAfile", caPem.toString());

        assertThat(result.output()).as("%s", result).contains("Responder Error: unauthorized (6)");
    }

    // --- helpers --------------------------------------------------------------------------------

    private static HttpResponse<byte[]> postRaw(byte[] der) {
        return server.send(HttpRequest.newBuilder(ocsp).header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(der)).build());
    }

    private static byte[] post(byte[] der) {
        HttpResponse<byte[]> response = postRaw(der);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static BasicOCSPResp basic(byte[] response) throws Exception {
        OCSPResp parsed = new OCSPResp(response);
        assertThat(parsed.getStatus()).as("OCSPResponseStatus").isEqualTo(OCSPResp.SUCCESSFUL);
        return (BasicOCSPResp) parsed.getResponseObject();
    }

    private static CertificateID certificateId(OcspFixtures.Issued cert) throws Exception {
        return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(server.caCertificate()), cert.serial());
    }

}
