package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.enrollment.OneTimeChallenges;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.token.ApiRole;
import dev.scepter.authority.token.ApiTokens;
import dev.scepter.protocol.est.EstCodec;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * EST (RFC 7030) on the core: the anonymous paths, simpleenroll with each way to authenticate,
 * and simplereenroll over mutual TLS on the HTTPS listener, as a table of refusals and the paths
 * that issue (recorded in the store before they leave).
 */
class EstTest {

    private static final org.bouncycastle.asn1.ASN1ObjectIdentifier UPN = new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.20.2.3");
    private static RunningServer server;
    private static int httpsPort;
    private static final Map<String, String> TOKENS = new HashMap<>();
    private static OneTimeChallenges challenges;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpsPort = socket.getLocalPort();
        }
        server = RunningServer.start(Map.of("AppConfig:DbCSRValidation:AllowRenewals", "true",
                "AppConfig:DbCSRValidation:AllowDynamicChallenges", "true",
                "AppConfig:Https:Port", String.valueOf(httpsPort), "AppConfig:Https:ClientCertificateMode", "Optional"));
        ApiTokens tokens = new ApiTokens(server.core.storage().apiTokenStore(), server.core.storage().auditLog(), Clock.systemUTC(),
                new SecureRandom());
        TOKENS.put("db", tokens.create("test", "est-db", Set.of(ApiRole.CSR_REQUEST_DB), Optional.empty()).value());
        TOKENS.put("self", tokens.create("test", "alice@contoso.example", Set.of(ApiRole.CSR_SELF_SERVICE), Optional.empty()).value());
        TOKENS.put("manage", tokens.create("test", "manage", Set.of(ApiRole.MANAGE_ALL), Optional.empty()).value());
        TOKENS.put("directory", tokens.create("test", "directory", Set.of(ApiRole.DIRECTORY_MANAGE), Optional.empty()).value());
        TOKENS.put("forged", "sct_" + "A".repeat(43));
        challenges = server.context.getBean(OneTimeChallenges.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Keyed(KeyPair keys, X509CertificateHolder certificate) {
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static byte[] csr(KeyPair keys, String subject, KeyPurposeId eku, GeneralName... sans) throws Exception {
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        if (eku != null) {
            extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        if (sans.length > 0) {
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        }
        if (!extensions.isEmpty()) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        return Base64.getMimeEncoder().encode(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded());
    }

    private HttpResponse<byte[]> post(HttpClient client, URI url, String authorization, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).header("Content-Type", EstCodec.PKCS10)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> enroll(String token, byte[] body) throws Exception {
        return post(http, server.url("/.well-known/est/simpleenroll"), token == null ? null : "Bearer " + TOKENS.get(token), body);
    }

    private static X509CertificateHolder issued(HttpResponse<byte[]> response) throws Exception {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type.replace(" ", "")).isEqualToIgnoringCase("application/pkcs7-mime;smime-type=certs-only"));
        assertThat(response.headers().firstValue("Content-Transfer-Encoding")).contains("base64");
        return recorded(response.body());
    }

    /** The one certificate of a certs-only body, checked to be ours and recorded before it left. */
    private static X509CertificateHolder recorded(byte[] certsOnly) throws Exception {
        List<X509CertificateHolder> certificates = EstCodec.readCertsOnly(certsOnly);
        assertThat(certificates).hasSize(1);
        X509CertificateHolder certificate = certificates.get(0);
        assertThat(certificate.isSignatureValid(new JcaContentVerifierProviderBuilder().build(server.core.ca().certificate()))).isTrue();
        Optional<IssuedCertificate> record = server.core.storage().certificateStore()
                .find(org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.toString(certificate.getIssuer()), certificate.getSerialNumber());
        assertThat(record).as("recorded before it left").hasValueSatisfying(r -> {
            assertThat(r.der()).isEqualTo(certificateBytes(certificate));
            // A device's self-service certificate has its own (selfServiceIssuesACertificateForADeviceTheCallerOwnsBoundToIt).
            assertThat(r.endpoint()).isIn("est", "est-self-service");
        });
        return certificate;
    }

    private static byte[] certificateBytes(X509CertificateHolder certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Keyed enrolled(String subject) throws Exception {
        KeyPair keys = rsa();
        return new Keyed(keys, issued(enroll("db", csr(keys, subject, null))));
    }

    /** A client of the HTTPS listener that trusts our CA and, when given, presents {@code client}. */
    private static HttpClient https(Keyed client) throws Exception {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", converter.getCertificate(server.core.ca().certificate()));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (client != null) {
            keys.setKeyEntry("client", client.keys().getPrivate(), "x".toCharArray(),
                    new Certificate[] {converter.getCertificate(client.certificate()), converter.getCertificate(server.core.ca().certificate())});
        }
        keyManagers.init(keys, "x".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static URI httpsUrl(String path) {
        return URI.create("https://127.0.0.1:" + httpsPort + path);
    }

    @ParameterizedTest(name = "GET {0}")
    @CsvSource({"/.well-known/est/cacerts", "/.well-known/est/devices/cacerts"})
    void cacertsIsTheChainAnonymously(String path) throws Exception {
        HttpResponse<byte[]> response = server.get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/pkcs7-mime"));
        assertThat(EstCodec.readCertsOnly(response.body())).containsExactlyElementsOf(server.core.ca().chain());
    }

    @ParameterizedTest(name = "POST {0}")
    @CsvSource({"/.well-known/est/fullcmc", "/.well-known/est/a/b/simpleenroll", "/.well-known/est/a/b/serverkeygen"})
    void whatIsNotServedIsNotFound(String path) throws Exception {
        HttpResponse<byte[]> response = server.post(path, EstCodec.PKCS10, csr(rsa(), "CN=est-not-served", null));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("Exception");
    }

    @Test
    void csrattrsNamesTheSignatureAlgorithmsWeLike() throws Exception {
        HttpResponse<byte[]> response = server.get("/.well-known/est/csrattrs");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/csrattrs");
        ASN1Sequence attributes = ASN1Sequence.getInstance(Base64.getDecoder().decode(response.body()));
        assertThat(attributes.toArray()).contains(PKCSObjectIdentifiers.sha256WithRSAEncryption, new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));
    }

    @Test
    void aTokenWithCsrRequestDbEnrollsAndTheCertificateIsRecorded() throws Exception {
        X509CertificateHolder certificate = issued(enroll("db", csr(rsa(), "CN=est-db-device", null)));

        assertThat(certificate.getSubject()).isEqualTo(new X500Name("CN=est-db-device"));
    }

    @Test
    void aLabelReachesTheSameCa() throws Exception {
        issued(post(http, server.url("/.well-known/est/routers/simpleenroll"), "Bearer " + TOKENS.get("db"), csr(rsa(), "CN=est-label", null)));
    }

    /** Credentials and the role are checked before the body is read: without them a malformed body is 401 or 403, not 400. */
    @ParameterizedTest(name = "{0} token, {1} -> {2}")
    @CsvSource({
        "none,   good,        401",
        "forged, good,        401",
        "manage, good,        403",
        "none,   malformed,   401",
        "manage, malformed,   403",
        "db,     malformed,   400",
        "db,     certificate, 400",
        "self,   other-user,  403",
        "self,   server-auth, 403",
        "self,   dns-san,     403",
        "self,   second-cn,   403",
        "self,   email-attr,  403",
        "self,   device-uri,  403",
        "db,     empty-upn,   400",
        "self,   empty-upn,   400",
    })
    void simpleenrollRefusals(String token, String body, int status) throws Exception {
        KeyPair keys = rsa();
        byte[] request = switch (body) {
            case "good" -> csr(keys, "CN=est-refused", null);
            case "malformed" -> "this is not a csr".getBytes(StandardCharsets.US_ASCII);
            case "certificate" -> Base64.getEncoder().encode(server.core.ca().certificate().getEncoded());
            case "other-user" -> csr(keys, "CN=bob@contoso.example", null);
            case "server-auth" -> csr(keys, "CN=alice@contoso.example", KeyPurposeId.id_kp_serverAuth);
            case "dns-san" -> csr(keys, "CN=alice@contoso.example", null, new GeneralName(GeneralName.dNSName, "www.contoso.example"));
            case "second-cn" -> csr(keys, "CN=bob@contoso.example,CN=alice@contoso.example", null);
            case "email-attr" -> csr(keys, "CN=alice@contoso.example,E=bob@contoso.example", null);
            case "device-uri" -> csr(keys, "CN=alice@contoso.example", null,
                    new GeneralName(GeneralName.uniformResourceIdentifier, "IntuneDeviceId://0f2b3c4d-0000-4000-8000-000000000001"));
            // A UPN otherName without its value: BouncyCastle decodes the SAN, then cannot read the otherName.
            case "empty-upn" -> csr(keys, "CN=alice@contoso.example", null, new GeneralName(GeneralName.otherName, new DERSequence(UPN)));
            default -> throw new IllegalArgumentException(body);
        };
        HttpResponse<byte[]> response = enroll("none".equals(token) ? null : token, request);

        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(text).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(text).contains("\"errorMessage\"").doesNotContain("Exception").doesNotContain("dev.scepter");
        if (status == 401) {
            assertThat(response.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).startsWith("Bearer"))
                    .anySatisfy(v -> assertThat(v).startsWith("Basic"));
        }
    }

    @Test
    void selfServiceIssuesAClientAuthenticationCertificateForTheCaller() throws Exception {
        X509CertificateHolder certificate = issued(enroll("self", csr(rsa(), "CN=alice@contoso.example", null)));

        assertThat(ExtendedKeyUsage.fromExtensions(certificate.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
    }

    /** A PUT to the embedded directory through the API, as an admin with Directory.Manage makes it. */
    private void putDirectoryObject(String kind, java.util.UUID id, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url("/api/directory/" + kind + "/" + id))
                .header("Authorization", "Bearer " + TOKENS.get("directory")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    /** What OCSP says of one serial now: null for good. */
    private static org.bouncycastle.cert.ocsp.CertificateStatus ocspStatus(java.math.BigInteger serial) throws Exception {
        org.bouncycastle.cert.ocsp.CertificateID id = new org.bouncycastle.cert.ocsp.CertificateID(
                new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build().get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1),
                server.core.ca().certificate(), serial);
        HttpResponse<byte[]> response = server.post("/ocsp", "application/ocsp-request",
                new org.bouncycastle.cert.ocsp.OCSPReqBuilder().addRequest(id).build().getEncoded());
        org.bouncycastle.cert.ocsp.OCSPResp answer = new org.bouncycastle.cert.ocsp.OCSPResp(response.body());
        assertThat(answer.getStatus()).isEqualTo(org.bouncycastle.cert.ocsp.OCSPResp.SUCCESSFUL);
        return ((org.bouncycastle.cert.ocsp.BasicOCSPResp) answer.getResponseObject()).getResponses()[0].getCertStatus();
    }

    /**
     * docs/est.md: self-service issues a certificate for a device the caller owns (CN=<device id> or
     * SAN URI IntuneDeviceId://<id>), bound to the device as Intune's are: good while it is enabled,
     * on hold once it is disabled. Someone else's device, or a disabled one, is a 403.
     */
    @Test
    void selfServiceIssuesACertificateForADeviceTheCallerOwnsBoundToIt() throws Exception {
        java.util.UUID alice = java.util.UUID.randomUUID();
        java.util.UUID bob = java.util.UUID.randomUUID();
        java.util.UUID laptop = java.util.UUID.randomUUID();
        java.util.UUID phone = java.util.UUID.randomUUID();
        java.util.UUID tablet = java.util.UUID.randomUUID();
        putDirectoryObject("users", alice, "{\"enabled\": true, \"userPrincipalName\": \"Alice@contoso.example\"}");
        putDirectoryObject("users", bob, "{\"enabled\": true, \"userPrincipalName\": \"bob@contoso.example\"}");
        putDirectoryObject("devices", laptop, "{\"enabled\": true, \"name\": \"alices-laptop\", \"owner\": \"" + alice + "\"}");
        putDirectoryObject("devices", tablet, "{\"enabled\": true, \"name\": \"alices-tablet\", \"owner\": \"" + alice + "\"}");
        putDirectoryObject("devices", phone, "{\"enabled\": true, \"name\": \"bobs-phone\", \"owner\": \"" + bob + "\"}");

        X509CertificateHolder byCn = issued(enroll("self", csr(rsa(), "CN=" + laptop, null)));
        assertThat(byCn.getSubject()).isEqualTo(new X500Name("CN=" + laptop));
        assertThat(ExtendedKeyUsage.fromExtensions(byCn.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
        assertThat(byCn.getSerialNumber().shiftRight(152).intValue()).as("bound to the Entra device id, as Intune's").isEqualTo(0x40);
        X509CertificateHolder byUri = issued(enroll("self", csr(rsa(), "", null,
                new GeneralName(GeneralName.uniformResourceIdentifier, "IntuneDeviceId://" + tablet))));
        assertThat(byUri.getSerialNumber().shiftRight(152).intValue()).as("bound to the Intune device id").isEqualTo(0x41);
        assertThat(server.core.storage().certificateStore().find(org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.toString(byUri.getIssuer()),
                byUri.getSerialNumber()).orElseThrow().binding()).hasValueSatisfying(binding -> {
                    assertThat(binding.type()).isEqualTo(dev.scepter.authority.directory.DirectoryObjectType.INTUNE_DEVICE);
                    assertThat(binding.objectId()).isEqualTo(tablet);
                });

        HttpResponse<byte[]> bobs = enroll("self", csr(rsa(), "CN=" + phone, null));
        assertThat(bobs.statusCode()).as("Bob's phone").isEqualTo(403);
        assertThat(new String(bobs.body(), StandardCharsets.UTF_8)).contains("a single device the directory says the caller owns");
        assertThat(enroll("self", csr(rsa(), "CN=" + java.util.UUID.randomUUID(), null)).statusCode()).as("an unknown device").isEqualTo(403);
        assertThat(enroll("db", csr(rsa(), "CN=" + laptop, null)).statusCode()).as("CSR.Request.Db is not held to these rules")
                .isEqualTo(200);
        assertThat(java.util.stream.Stream.of(byCn, byUri).map(c -> server.core.storage().certificateStore()
                .find(org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.toString(c.getIssuer()), c.getSerialNumber()).orElseThrow().endpoint()))
                .as("recorded as self-service's, which Renewals never renews (EstRenewalTypesTest)").containsOnly("est-self-service");

        assertThat(ocspStatus(byCn.getSerialNumber())).as("good").isNull();
        putDirectoryObject("devices", laptop, "{\"enabled\": false, \"name\": \"alices-laptop\", \"owner\": \"" + alice + "\"}");
        org.bouncycastle.cert.ocsp.CertificateStatus held = ocspStatus(byCn.getSerialNumber());
        assertThat(held).isInstanceOf(org.bouncycastle.cert.ocsp.RevokedStatus.class);
        assertThat(((org.bouncycastle.cert.ocsp.RevokedStatus) held).getRevocationReason()).as("certificateHold").isEqualTo(6);
        assertThat(enroll("self", csr(rsa(), "CN=" + laptop, null)).statusCode()).as("a disabled device").isEqualTo(403);
    }

    @Test
    void aOneTimeChallengeAsTheBasicPasswordEnrollsOnce() throws Exception {
        String challenge = challenges.mint("test", Optional.empty(), Duration.ofMinutes(5)).value();
        String basic = "Basic " + Base64.getEncoder().encodeToString(("device:" + challenge).getBytes(StandardCharsets.UTF_8));

        issued(post(http, server.url("/.well-known/est/simpleenroll"), basic, csr(rsa(), "CN=est-basic", null)));
        HttpResponse<byte[]> again = post(http, server.url("/.well-known/est/simpleenroll"), basic, csr(rsa(), "CN=est-basic-2", null));

        assertThat(again.statusCode()).as("a challenge is good for one certificate").isEqualTo(401);
        assertThat(again.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).startsWith("Basic"));
    }

    /** A request with an extended key usage extension whose value is no SEQUENCE of purposes: readable as a CSR, not as a usage. */
    private static byte[] csrWithUnreadableExtendedKeyUsage(String subject) throws Exception {
        KeyPair keys = rsa();
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.ASN1Integer(5).getEncoded());
        return Base64.getMimeEncoder().encode(new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded());
    }

    /**
     * docs/est.md: a request refused with 400 after its challenge passed keeps the challenge used (one
     * challenge buys one judgement); one refused before (a SAN otherName without its value) spends nothing.
     */
    @Test
    void aOneTimeChallengeIsKeptUsedByA400AfterItPassedButNotSpentByOneBefore() throws Exception {
        URI simpleenroll = server.url("/.well-known/est/simpleenroll");
        String early = challenges.mint("test", Optional.empty(), Duration.ofMinutes(5)).value();
        String earlyBasic = "Basic " + Base64.getEncoder().encodeToString(("device:" + early).getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> beforeSpending = post(http, simpleenroll, earlyBasic,
                csr(rsa(), "CN=est-early-400", null, new GeneralName(GeneralName.otherName, new DERSequence(UPN))));
        assertThat(beforeSpending.statusCode()).as(new String(beforeSpending.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        issued(post(http, simpleenroll, earlyBasic, csr(rsa(), "CN=est-early-400", null)));

        String late = challenges.mint("test", Optional.empty(), Duration.ofMinutes(5)).value();
        String lateBasic = "Basic " + Base64.getEncoder().encodeToString(("device:" + late).getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> afterSpending = post(http, simpleenroll, lateBasic, csrWithUnreadableExtendedKeyUsage("CN=est-late-400"));
        String text = new String(afterSpending.body(), StandardCharsets.UTF_8);
        assertThat(afterSpending.statusCode()).as(text).isEqualTo(400);
        assertThat(text).contains("extensions cannot be used");
        HttpResponse<byte[]> retried = post(http, simpleenroll, lateBasic, csr(rsa(), "CN=est-late-400", null));
        assertThat(retried.statusCode()).as("the client's own mistake does not give the challenge back").isEqualTo(401);
    }

    /** docs/api.md: every certificate issued is in the audit trail, a renewal as {@code certificate.renew}. */
    @Test
    void enrollmentsAndReEnrollmentsAreAuditedAsDocumented() throws Exception {
        String challenge = challenges.mint("test", Optional.empty(), Duration.ofMinutes(5)).value();
        String basic = "Basic " + Base64.getEncoder().encodeToString(("device:" + challenge).getBytes(StandardCharsets.UTF_8));
        X509CertificateHolder byChallenge = issued(post(http, server.url("/.well-known/est/routers/simpleenroll"), basic,
                csr(rsa(), "CN=est-audit-basic", null)));
        Keyed byToken = enrolled("CN=est-audit");
        X509CertificateHolder renewed = issued(post(https(byToken), httpsUrl("/.well-known/est/simplereenroll"), null,
                csr(rsa(), "CN=est-audit", null)));
        X509CertificateHolder again = issued(post(https(byToken), httpsUrl("/.well-known/est/simpleenroll"), null,
                csr(rsa(), "CN=est-audit", null)));

        List<dev.scepter.authority.audit.AuditEvent> events = server.core.storage().auditLog().latest(1000);
        String old = serial(byToken.certificate());
        assertThat(audited(events, byChallenge)).satisfies(event -> {
            assertThat(event.action()).isEqualTo("certificate.issue");
            assertThat(event.actor()).isEqualTo("endpoint est (est/routers 127.0.0.1)");
            assertThat(event.target()).isEqualTo(serial(byChallenge) + " subject \"CN=est-audit-basic\"");
        });
        assertThat(audited(events, byToken.certificate())).satisfies(event -> {
            assertThat(event.action()).isEqualTo("certificate.issue");
            assertThat(event.actor()).isEqualTo("est-db");
        });
        for (X509CertificateHolder renewal : List.of(renewed, again)) {
            assertThat(audited(events, renewal)).satisfies(event -> {
                assertThat(event.action()).isEqualTo("certificate.renew");
                assertThat(event.actor()).isEqualTo("certificate " + old);
                assertThat(event.target()).isEqualTo(serial(renewal) + " subject \"CN=est-audit\" renewing " + old);
                assertThat(event.outcome()).isEqualTo("success");
            });
        }
    }

    private static String serial(X509CertificateHolder certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    private static dev.scepter.authority.audit.AuditEvent audited(List<dev.scepter.authority.audit.AuditEvent> events,
            X509CertificateHolder certificate) {
        List<dev.scepter.authority.audit.AuditEvent> found = events.stream()
                .filter(event -> event.target().startsWith(serial(certificate) + " ")).toList();
        assertThat(found).as("one event for " + serial(certificate)).hasSize(1);
        return found.get(0);
    }

    /** docs/operations.md: EST's requests are counted like SCEP's, by operation and outcome, and only in known words. */
    @Test
    void estRequestsAreCountedByOperationAndOutcome() throws Exception {
        Map<String, Double> before = estCounts();
        server.get("/.well-known/est/cacerts");
        server.get("/.well-known/est/a-label/csrattrs");
        Keyed device = enrolled("CN=est-metrics");
        issued(post(https(device), httpsUrl("/.well-known/est/simplereenroll"), null, csr(rsa(), "CN=est-metrics", null)));
        enroll(null, csr(rsa(), "CN=est-metrics-anonymous", null));
        enroll("manage", csr(rsa(), "CN=est-metrics-manage", null));
        enroll("db", "not a csr".getBytes(StandardCharsets.US_ASCII));
        server.get("/.well-known/est/not%20a%20label/cacerts");

        Map<String, Double> after = estCounts();
        Map<String, Double> counted = new HashMap<>();
        after.forEach((series, count) -> {
            double added = count - before.getOrDefault(series, 0.0);
            if (added > 0) {
                counted.put(series, added);
            }
        });
        assertThat(counted).containsAllEntriesOf(Map.of(
                "operation=\"cacerts\",outcome=\"ok\"", 1.0,
                "operation=\"csrattrs\",outcome=\"ok\"", 1.0,
                "operation=\"simpleenroll\",outcome=\"issued\"", 1.0,
                "operation=\"simplereenroll\",outcome=\"renewed\"", 1.0,
                "operation=\"simpleenroll\",outcome=\"unauthorized\"", 1.0,
                "operation=\"simpleenroll\",outcome=\"forbidden\"", 1.0,
                "operation=\"simpleenroll\",outcome=\"bad-request\"", 1.0));
        assertThat(server.text("/metrics")).contains("# HELP est_requests_seconds EST requests (RFC 7030)")
                .doesNotContain("label=");
    }

    /** {@code est_requests_seconds_count} by its tags, as {@code /metrics} has them now. */
    private static Map<String, Double> estCounts() throws Exception {
        Map<String, Double> counts = new HashMap<>();
        java.util.regex.Matcher series = java.util.regex.Pattern.compile("(?m)^est_requests_seconds_count\\{(.*)\\} (\\S+)$")
                .matcher(server.text("/metrics"));
        while (series.find()) {
            counts.put(series.group(1), Double.parseDouble(series.group(2)));
        }
        return counts;
    }

    /**
     * RFC 7030 section 4.4: the key is made here, of the request key's kind, and comes back with its
     * certificate (multipart/mixed: PKCS#8, then certs-only); only for a token with CSR.Request.Db.
     */
    @Test
    void serverkeygenMakesTheKeyForATokenWithCsrRequestDbOnly() throws Exception {
        URI serverkeygen = httpsUrl("/.well-known/est/serverkeygen");
        HttpClient tls = https(null);
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        KeyPair throwaway = ec.generateKeyPair();
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=est-keygen"), throwaway.getPublic());
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "keygen.example")));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        byte[] request = Base64.getEncoder().encode(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(throwaway.getPrivate()))
                .getEncoded());

        HttpResponse<byte[]> response = post(tls, serverkeygen, "Bearer " + TOKENS.get("db"), request);

        String body = new String(response.body(), StandardCharsets.US_ASCII);
        assertThat(response.statusCode()).as(body).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        String contentType = response.headers().firstValue("Content-Type").orElseThrow();
        assertThat(contentType).startsWith("multipart/mixed");
        String boundary = contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
        String[] parts = body.split("\r\n--" + java.util.regex.Pattern.quote(boundary) + "(--)?\r\n", -1);
        assertThat(parts).hasSize(3);
        String[] keyPart = parts[0].substring(("--" + boundary + "\r\n").length()).split("\r\n\r\n", 2);
        String[] certPart = parts[1].split("\r\n\r\n", 2);
        assertThat(keyPart[0]).contains("Content-Type: application/pkcs8");
        assertThat(certPart[0]).contains("Content-Type: application/pkcs7-mime; smime-type=certs-only");
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(keyPart[1])));
        X509CertificateHolder certificate = recorded(certPart[1].getBytes(StandardCharsets.US_ASCII));
        assertThat(certificate.getSubject()).isEqualTo(new X500Name("CN=est-keygen"));
        assertThat(GeneralNames.fromExtensions(certificate.getExtensions(), Extension.subjectAlternativeName).getNames())
                .containsExactly(new GeneralName(GeneralName.dNSName, "keygen.example"));
        assertThat(certificate.getSubjectPublicKeyInfo().getEncoded()).as("not the request's key")
                .isNotEqualTo(throwaway.getPublic().getEncoded());
        java.security.PublicKey certified = new JcaX509CertificateConverter().getCertificate(certificate).getPublicKey();
        assertThat(((java.security.interfaces.ECPublicKey) certified).getParams().getCurve().getField().getFieldSize())
                .as("the request key's curve, P-384").isEqualTo(384);
        java.security.Signature signature = java.security.Signature.getInstance("SHA256withECDSA");
        signature.initSign(key);
        signature.update(new byte[] {1, 2, 3});
        byte[] signed = signature.sign();
        signature.initVerify(certified);
        signature.update(new byte[] {1, 2, 3});
        assertThat(signature.verify(signed)).as("the key the answer holds is the certified one").isTrue();
        assertThat(server.core.storage().auditLog().latest(50)).as("the trail says the CA held the key")
                .filteredOn(event -> event.target().contains(certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT)))
                .extracting(dev.scepter.authority.audit.AuditEvent::actor).containsExactly("est-db (serverkeygen: key made here)");
        PKCS10CertificationRequestBuilder encrypted = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=est-keygen"), throwaway.getPublic());
        encrypted.addAttribute(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.840.113549.1.9.16.2.37"),
                new org.bouncycastle.asn1.DEROctetString(new byte[] {1, 2, 3}));
        HttpResponse<byte[]> asksEncryption = post(tls, serverkeygen, "Bearer " + TOKENS.get("db"), Base64.getEncoder().encode(
                encrypted.build(new JcaContentSignerBuilder("SHA256withECDSA").build(throwaway.getPrivate())).getEncoded()));
        assertThat(asksEncryption.statusCode()).as("RFC 7030 4.4.1.1: no key rather than one not encrypted as asked").isEqualTo(400);
        assertThat(new String(asksEncryption.body(), StandardCharsets.UTF_8)).contains("DecryptKeyIdentifier");
        HttpResponse<byte[]> namesNothing = post(tls, serverkeygen, "Bearer " + TOKENS.get("db"), Base64.getEncoder().encode(
                new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), throwaway.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(throwaway.getPrivate())).getEncoded()));
        assertThat(namesNothing.statusCode()).as(new String(namesNothing.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        assertThat(new String(namesNothing.body(), StandardCharsets.UTF_8)).contains("names no subject");

        assertThat(post(tls, serverkeygen, null, request).statusCode()).as("no credentials").isEqualTo(401);
        assertThat(post(tls, serverkeygen, "Bearer " + TOKENS.get("self"), request).statusCode()).as("self-service").isEqualTo(403);
        String challenge = challenges.mint("test", Optional.empty(), Duration.ofMinutes(5)).value();
        assertThat(post(tls, serverkeygen, "Basic " + Base64.getEncoder().encodeToString(("d:" + challenge).getBytes(StandardCharsets.UTF_8)),
                request).statusCode()).as("a one-time challenge").isEqualTo(403);
        assertThat(post(https(enrolled("CN=est-keygen-mtls")), httpsUrl("/.well-known/est/serverkeygen"), null, request).statusCode())
                .as("a client certificate").isEqualTo(403);
        assertThat(post(tls, serverkeygen, "Bearer " + TOKENS.get("db"), "not a csr".getBytes(StandardCharsets.US_ASCII)).statusCode())
                .isEqualTo(400);
    }

    /** {@code est_serverkeygen_keys_total} as {@code /metrics} has it now (0 before the first key). */
    private static double keysMade() throws Exception {
        java.util.regex.Matcher total = java.util.regex.Pattern.compile("(?m)^est_serverkeygen_keys_total(?:\\{\\})? (\\S+)$")
                .matcher(server.text("/metrics"));
        return total.find() ? Double.parseDouble(total.group(1)) : 0;
    }

    /**
     * docs/est.md: a serverkeygen request the authority's preflight refuses (a SAN it cannot read,
     * no names at all, an extended key usage it cannot read) or one asking for an encrypted key is
     * refused before any key is made.
     */
    @Test
    void aServerkeygenRequestThatWouldBeRefusedCostsNoKey() throws Exception {
        URI serverkeygen = httpsUrl("/.well-known/est/serverkeygen");
        HttpClient tls = https(null);
        String bearer = "Bearer " + TOKENS.get("db");
        KeyPair throwaway = rsa();
        double before = keysMade();

        // A UPN otherName without its value: passes the codec, refused by the issuer's preflight, once only after a key was made.
        HttpResponse<byte[]> unreadableSan = post(tls, serverkeygen, bearer,
                csr(throwaway, "CN=est-keygen-refused", null, new GeneralName(GeneralName.otherName, new DERSequence(UPN))));
        assertThat(unreadableSan.statusCode()).as(new String(unreadableSan.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        assertThat(new String(unreadableSan.body(), StandardCharsets.UTF_8)).contains("subject alternative name cannot be read");
        HttpResponse<byte[]> namesNothing = post(tls, serverkeygen, bearer, Base64.getEncoder().encode(
                new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), throwaway.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(throwaway.getPrivate())).getEncoded()));
        assertThat(namesNothing.statusCode()).isEqualTo(400);
        // Readable as a CSR, not as a usage: the issuer's own reading of the extensions, once only after a key was made.
        HttpResponse<byte[]> unreadableUsage = post(tls, serverkeygen, bearer, csrWithUnreadableExtendedKeyUsage("CN=est-keygen-refused"));
        assertThat(unreadableUsage.statusCode()).as(new String(unreadableUsage.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        assertThat(new String(unreadableUsage.body(), StandardCharsets.UTF_8)).contains("extensions cannot be used");
        PKCS10CertificationRequestBuilder encrypted = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=est-keygen-refused"), throwaway.getPublic());
        encrypted.addAttribute(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.840.113549.1.9.16.2.54"),
                new org.bouncycastle.asn1.DEROctetString(new byte[] {1, 2, 3}));
        assertThat(post(tls, serverkeygen, bearer, Base64.getEncoder().encode(
                encrypted.build(new JcaContentSignerBuilder("SHA256withRSA").build(throwaway.getPrivate())).getEncoded())).statusCode()).isEqualTo(400);
        assertThat(keysMade()).as("no key made for a refused request").isEqualTo(before);

        HttpResponse<byte[]> made = post(tls, serverkeygen, bearer, csr(throwaway, "CN=est-keygen-counted", null));
        assertThat(made.statusCode()).as(new String(made.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(keysMade()).as("the counter counts a key made").isEqualTo(before + 1);
    }

    /** The answer holds a private key: over plain HTTP nothing protects it, so nothing is made. */
    @Test
    void serverkeygenIsRefusedOverPlainHttp() throws Exception {
        HttpResponse<byte[]> refused = post(http, server.url("/.well-known/est/serverkeygen"), "Bearer " + TOKENS.get("db"),
                csr(rsa(), "CN=est-keygen-plain", null));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("only over HTTPS");
        assertThat(post(http, server.url("/.well-known/est/serverkeygen"), null, csr(rsa(), "CN=est-keygen-plain", null)).statusCode())
                .as("judged before the caller, so before anything else").isEqualTo(403);
    }

    @Test
    void simplereenrollOverMutualTlsRenewsTheCertificatePresented() throws Exception {
        Keyed old = enrolled("CN=est-renew-me");
        KeyPair newKeys = rsa();

        X509CertificateHolder renewed = issued(post(https(old), httpsUrl("/.well-known/est/simplereenroll"), null,
                csr(newKeys, "CN=est-renew-me", null)));

        assertThat(renewed.getSubject()).isEqualTo(old.certificate().getSubject());
        assertThat(renewed.getSerialNumber()).isNotEqualTo(old.certificate().getSerialNumber());
        assertThat(renewed.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(newKeys.getPublic().getEncoded());
    }

    @Test
    void simplereenrollRefusesWithoutACertificateForAnotherSubjectAndWhenRevoked() throws Exception {
        Keyed old = enrolled("CN=est-refused-renewal");

        assertThat(post(https(null), httpsUrl("/.well-known/est/simplereenroll"), null, csr(rsa(), "CN=est-refused-renewal", null))
                .statusCode()).as("no client certificate").isEqualTo(403);
        assertThat(post(http, server.url("/.well-known/est/simplereenroll"), "Bearer " + TOKENS.get("db"),
                csr(rsa(), "CN=est-refused-renewal", null)).statusCode()).as("a token renews nothing").isEqualTo(403);
        assertThat(post(https(old), httpsUrl("/.well-known/est/simplereenroll"), null, csr(rsa(), "CN=someone-else", null))
                .statusCode()).as("RFC 7030 section 4.2.2: the same subject").isEqualTo(400);

        HttpResponse<String> revoked = http.send(HttpRequest.newBuilder(server.url("/api/manage/revoke/"
                        + old.certificate().getSerialNumber().toString(16))).header("Authorization", "Bearer " + TOKENS.get("manage"))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"revocationReason\": 1}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        HttpResponse<byte[]> refused = post(https(old), httpsUrl("/.well-known/est/simplereenroll"), null,
                csr(rsa(), "CN=est-refused-renewal", null));
        assertThat(refused.statusCode()).as(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo(403);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("revoked");
    }

    private static GeneralName upn(String name) {
        return new GeneralName(GeneralName.otherName, new OtherName(UPN, new DERUTF8String(name)));
    }

    /**
     * The review's attack: a certificate of ours over mutual TLS, a request with its subject and
     * someone else's UPN, a DNS name, or server authentication. The client certificate vouches for
     * its own names and usages only; what it gets is a renewal (EstWithoutRenewalsTest: gated as one).
     */
    @Test
    void aClientCertificateEnrollsForItsOwnNamesAndUsagesOnlyAsARenewal() throws Exception {
        KeyPair keys = rsa();
        Keyed device = new Keyed(keys, issued(enroll("db", csr(keys, "CN=est-mtls-names", KeyPurposeId.id_kp_clientAuth))));
        URI simpleenroll = httpsUrl("/.well-known/est/simpleenroll");

        assertThat(post(https(device), simpleenroll, null, csr(rsa(), "CN=est-mtls-names", null, upn("admin@corp.example"))).statusCode())
                .as("another user's UPN").isEqualTo(400);
        assertThat(post(https(device), simpleenroll, null,
                csr(rsa(), "CN=est-mtls-names", null, new GeneralName(GeneralName.dNSName, "www.corp.example"))).statusCode())
                .as("a DNS name").isEqualTo(400);
        for (KeyPurposeId wider : List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning)) {
            HttpResponse<byte[]> widened = post(https(device), simpleenroll, null, csr(rsa(), "CN=est-mtls-names", wider));
            assertThat(widened.statusCode()).as(new String(widened.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        }

        X509CertificateHolder again = issued(post(https(device), simpleenroll, null, csr(rsa(), "CN=est-mtls-names", null)));
        assertThat(ExtendedKeyUsage.fromExtensions(again.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
        assertThat(again.getSerialNumber().toByteArray()[0]).as("the type of the certificate it renews")
                .isEqualTo(device.certificate().getSerialNumber().toByteArray()[0]);
    }

    @Test
    void simplereenrollCannotWidenTheUsages() throws Exception {
        KeyPair keys = rsa();
        Keyed clientOnly = new Keyed(keys, issued(enroll("db", csr(keys, "CN=est-renew-narrow", KeyPurposeId.id_kp_clientAuth))));
        URI simplereenroll = httpsUrl("/.well-known/est/simplereenroll");

        HttpResponse<byte[]> widened = post(https(clientOnly), simplereenroll, null, csr(rsa(), "CN=est-renew-narrow",
                KeyPurposeId.id_kp_serverAuth));
        assertThat(widened.statusCode()).as(new String(widened.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        assertThat(new String(widened.body(), StandardCharsets.UTF_8)).contains("renewal");

        X509CertificateHolder renewed = issued(post(https(clientOnly), simplereenroll, null, csr(rsa(), "CN=est-renew-narrow", null)));
        assertThat(ExtendedKeyUsage.fromExtensions(renewed.getExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
    }

    @Test
    void aClientCertificateOfOursEnrollsForItsOwnSubjectOnly() throws Exception {
        Keyed device = enrolled("CN=est-mtls-device");

        issued(post(https(device), httpsUrl("/.well-known/est/simpleenroll"), null, csr(rsa(), "CN=est-mtls-device", null)));
        assertThat(post(https(device), httpsUrl("/.well-known/est/simpleenroll"), null, csr(rsa(), "CN=est-mtls-other", null)).statusCode())
                .isEqualTo(400);
        assertThat(post(https(null), httpsUrl("/.well-known/est/simpleenroll"), null, csr(rsa(), "CN=est-mtls-device", null)).statusCode())
                .as("neither credentials nor a certificate").isEqualTo(401);
    }
}
