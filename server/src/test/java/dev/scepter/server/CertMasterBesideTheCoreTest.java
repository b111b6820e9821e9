package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Certificate Master served by the core at {@code /certmaster/}, calling the real core's API over
 * loopback: the admin made on first start signs in, has a CSR issued, finds it and revokes it, and
 * the core records the admin as the revoker.
 */
class CertMasterBesideTheCoreTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SERIAL = Pattern.compile("id=\"serial\">([0-9A-F]+)<");

    private static RunningServer server;
    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(Map.of()).awaitCertMaster();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theAdminSignsInHasACsrIssuedFindsItAndRevokesItThroughTheCoresApi() throws Exception {
        HttpResponse<String> anonymous = get("/certmaster/");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/certmaster/signin"));

        String password = Files.readString(server.dataDir.resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
        HttpResponse<String> signIn = post("/certmaster/signin", Map.of("username", "admin", "password", password,
                "_csrf", csrf("/certmaster/signin")));
        // Back to the page asked for before the sign-in (Spring Security marks it with ?continue).
        assertThat(signIn.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/certmaster/").doesNotContain("error"));

        // The portal's own pages, not the core's of the same name on the shared class path.
        assertThat(get("/certmaster/").body()).contains("Welcome, <span>admin</span>");
        assertThat(get("/certmaster/css/portal.css").statusCode()).isEqualTo(200);

        HttpResponse<String> issued = post("/certmaster/csr", Map.of("pem", pem(csr("CN=portal.example.test", 2048)), "_csrf", csrf("/certmaster/csr")));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        Matcher serial = SERIAL.matcher(issued.body());
        assertThat(serial.find()).as(issued.body()).isTrue();
        String serialHex = serial.group(1);

        assertThat(get("/certmaster/certificates?q=portal.example.test").body()).contains(serialHex, "CN=portal.example.test");
        String detail = "/certmaster/certificates/" + serialHex;
        // The signed-in person is the requester the core records, not only the portal's credential.
        assertThat(get(detail).body()).contains("admin through API user certmaster");
        HttpResponse<String> revoked = post(detail + "/revoke", Map.of("reason", "4", "_csrf", csrf(detail)));
        assertThat(revoked.statusCode()).isEqualTo(302);
        assertThat(get(detail).body()).contains("Revoked (Superseded)", "admin through API user ");

        String adminToken = Files.readString(server.dataDir.resolve("admin-token"), StandardCharsets.UTF_8).strip();
        String audit = new String(server.get("/api/manage/audit", "Authorization", "Bearer " + adminToken).body(), StandardCharsets.UTF_8);
        // The person behind the portal's credential (certmaster-XXXX) is who issued and revoked.
        assertThat(audit).contains(serialHex)
                .containsPattern("\"actor\":\"admin through API user certmaster-[0-9a-f]+\",\"action\":\"certificate\\.revoke\"")
                .containsPattern("\"actor\":\"admin through API user certmaster-[0-9a-f]+\",\"action\":\"certificate\\.issue\"")
                // And the sign-in before them, with the way and the address.
                .containsPattern("\"actor\":\"admin through API user certmaster-[0-9a-f]+\",\"action\":\"certmaster\\.sign-in\","
                        + "\"target\":\"password from 127\\.0\\.0\\.1\",\"outcome\":\"success\"");
    }

    @Test
    void aWeakKeyIsRefusedOnThePageInTheCoresWordsAndNothingIsIssued() throws Exception {
        String password = Files.readString(server.dataDir.resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
        post("/certmaster/signin", Map.of("username", "admin", "password", password, "_csrf", csrf("/certmaster/signin")));
        HttpResponse<String> refused = post("/certmaster/csr", Map.of("pem", pem(csr("CN=weak.example.test", 1024)), "_csrf", csrf("/certmaster/csr")));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("RSA key has 1024 bits; at least 2048 are required").doesNotContain("Certificate issued");
        HttpResponse<String> notACsr = post("/certmaster/csr", Map.of("pem", "hello", "_csrf", csrf("/certmaster/csr")));
        assertThat(notACsr.statusCode()).isEqualTo(400);
        assertThat(notACsr.body()).contains("is not a PKCS#10 certification request");
        assertThat(get("/certmaster/certificates?q=weak.example.test").body()).contains("No certificate matches.");
    }

    @Test
    void theCodeSigningFormAsOfferedIsOneTheCoreIssuesUnderTheDefaultCap() throws Exception {
        String password = Files.readString(server.dataDir.resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
        post("/certmaster/signin", Map.of("username", "admin", "password", password, "_csrf", csrf("/certmaster/signin")));
        String form = get("/certmaster/forms/code-signing").body();
        // Code signing allows 1095 days, the default AppConfig:ValidityPeriodDays 730: the form offers the smaller.
        Matcher offered = Pattern.compile("id=\"validityDays\" name=\"validityDays\" type=\"number\" min=\"1\" max=\"(\\d+)\" value=\"(\\d+)\"")
                .matcher(form);
        assertThat(offered.find()).as(form).isTrue();
        assertThat(offered.group(1)).isEqualTo("730");
        Matcher csrf = CSRF.matcher(form);
        Matcher ticket = Pattern.compile("name=\"ticket\" value=\"([^\"]+)\"").matcher(form);
        assertThat(csrf.find() && ticket.find()).isTrue();
        HttpResponse<String> issued = post("/certmaster/forms/code-signing", Map.of("commonName", "Contoso Build", "key", "ec-p256",
                "validityDays", offered.group(2), "delivery", "pkcs12", "_csrf", csrf.group(1), "ticket", ticket.group(1)));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        assertThat(issued.body()).contains("id=\"password\"");
    }

    @Test
    void itIsServedByDefault() {
        assertThat(server.context.getBean(dev.scepter.server.certmaster.CertMasterBesideTheCore.class).willServe()).isTrue();
    }

    @Test
    void withoutTrustForwardedHeadersAForwardedProtoDoesNotMakeTheCookieSecure() throws Exception {
        assertThat(CertMasterBehindAProxyTest.sessionCookie(server, "https")).contains("CERTMASTER_SESSION=").doesNotContain("Secure");
    }

    private static byte[] csr(String subject, int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        KeyPair keys = generator.generateKeyPair();
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    /**
     * The core stops: the portal stops first, while the core still answers, so the reports it holds
     * (here the count of a second refusal, waiting for its minute to end) reach the core's trail, not
     * the log's "did not take".
     */
    @Test
    void stoppingTheCoreStopsThePortalFirstWhileTheCoreStillTakesItsLastSignInReports() throws Exception {
        RunningServer own = RunningServer.start(Map.of()).awaitCertMaster();
        ch.qos.logback.classic.Logger audit = ((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory())
                .getLogger("dev.scepter.certmaster.audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        audit.addAppender(log);
        try {
            HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
            for (int i = 0; i < 2; i++) {
                Matcher csrf = CSRF.matcher(client.send(HttpRequest.newBuilder(own.url("/certmaster/signin")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(csrf.find()).isTrue();
                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(own.url("/certmaster/signin"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("username=mallory&password=wrong&_csrf="
                                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/signin?error"));
            }
            own.context.close();
            assertThat(log.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.startsWith("sign-in refused: user=mallory")).hasSize(2);
            assertThat(log.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .as("every report reached the core").noneMatch(line -> line.contains("did not take"));
        } finally {
            audit.detachAppender(log);
            own.close();
        }
    }

    private String csrf(String path) throws Exception {
        Matcher matcher = CSRF.matcher(get(path).body());
        assertThat(matcher.find()).as("a CSRF field on " + path).isTrue();
        return matcher.group(1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(server.url(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> fields) throws Exception {
        String form = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return browser.send(HttpRequest.newBuilder(server.url(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
