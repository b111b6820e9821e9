package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.apache.catalina.session.StandardSession;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The certificate forms against a simulated core that signs for real: the key made on the
 * portal's server, the request sent with its kind, the key delivered once as PKCS#12 (modern and
 * legacy, read by OpenSSL 3 and Java) or PEM; bad input and missing roles refused on the page;
 * nothing of the key or the password left in the session.
 */
class CertificateFormsTest {

    private static final Pattern PASSWORD = Pattern.compile("<code id=\"password\">([^<]+)</code>");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern TICKET = Pattern.compile("name=\"ticket\" value=\"([^\"]+)\"");
    private static final Pattern FILE = Pattern.compile("id=\"download-key\" href=\"data:([^;]+);base64,([^\"]+)\" download=\"([^\"]+)\"");

    private static RunningPortal portal;
    private static Browser admin;

    @BeforeAll
    static void start() throws Exception {
        portal = RunningPortal.start(RunningPortal.TEST_USERS);
        admin = portal.browser();
        admin.signIn("guesser", "guesser-password"); // Admin.Full in RunningPortal.TEST_USERS
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    record Delivered(String password, String mediaType, byte[] file, String fileName, String page) {
    }

    /** The form's fields with the CSRF token and the one-use ticket of a freshly opened form. */
    private static Map<String, String> opened(Browser browser, String form, Map<String, String> fields) throws Exception {
        String page = browser.get(form).body();
        Matcher csrf = CSRF.matcher(page);
        Matcher ticket = TICKET.matcher(page);
        assertThat(csrf.find() && ticket.find()).as(page).isTrue();
        Map<String, String> all = new HashMap<>(fields);
        all.put("_csrf", csrf.group(1));
        all.put("ticket", ticket.group(1));
        return all;
    }

    private static Delivered issue(Browser browser, String form, Map<String, String> fields) throws Exception {
        HttpResponse<String> page = browser.post(form, opened(browser, form, fields));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("no-store"));
        Matcher password = PASSWORD.matcher(page.body());
        Matcher file = FILE.matcher(page.body());
        assertThat(password.find()).as(page.body()).isTrue();
        assertThat(file.find()).as(page.body()).isTrue();
        return new Delivered(password.group(1), file.group(1), Base64.getDecoder().decode(file.group(2)), file.group(3), page.body());
    }

    private static Map<String, String> serverForm(String delivery) {
        return Map.of("names", "www.example.test\n*.example.test, 192.0.2.7", "clientAuth", "true", "key", "rsa-2048",
                "validityDays", "90", "delivery", delivery);
    }

    record Run(int exit, String output) {
    }

    private static Run openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        Collections.addAll(command, args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static Path temp(byte[] content, String suffix) throws Exception {
        Path file = Files.createTempFile("certmaster-form", suffix);
        Files.write(file, content);
        file.toFile().deleteOnExit();
        return file;
    }

    @Test
    void aServerCertificateFromTheFormComesAsPkcs12ThatOpenSsl3AndJavaOpenWithTheShownPassword() throws Exception {
        Delivered delivered = issue(admin, "/forms/server", serverForm("pkcs12"));

        assertThat(delivered.password()).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(delivered.mediaType()).isEqualTo("application/x-pkcs12");
        assertThat(delivered.fileName()).endsWith(".p12");
        assertThat(delivered.page()).contains("dns:www.example.test", "dns:*.example.test", "ip:192.0.2.7");
        // The core was asked for a Server certificate of 90 days, with the names and usages of the form.
        CoreSimulator.Call call = portal.core.calls("POST", "/api/csr").get(portal.core.calls("POST", "/api/csr").size() - 1);
        assertThat(call.pathAndQuery()).isEqualTo("/api/csr?kind=Server&validityDays=90&requester=guesser");
        PKCS10CertificationRequest csr = new PKCS10CertificationRequest(call.body());
        assertThat(csr.getSubject().toString()).isEqualTo("CN=www.example.test");

        Path file = temp(delivered.file(), ".p12");
        Run info = openssl("pkcs12", "-info", "-in", file.toString(), "-passin", "pass:" + delivered.password(), "-nokeys", "-noout");
        assertThat(info.exit()).as(info.output()).isZero();
        assertThat(info.output()).contains("MAC: sha256", "PBES2, PBKDF2, AES-256-CBC", "PRF hmacWithSHA256");
        assertThat(openssl("pkcs12", "-in", file.toString(), "-passin", "pass:wrong", "-nokeys", "-noout").exit()).isNotZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(delivered.file()), delivered.password().toCharArray());
        String alias = store.aliases().nextElement();
        PrivateKey key = (PrivateKey) store.getKey(alias, delivered.password().toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
        assertThat(store.getCertificateChain(alias)).hasSize(2);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(new byte[] {1, 2, 3});
        byte[] signed = signature.sign();
        signature.initVerify(certificate.getPublicKey());
        signature.update(new byte[] {1, 2, 3});
        assertThat(signature.verify(signed)).as("the key in the file is the certificate's").isTrue();
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getSubjectAlternativeNames()).extracting(san -> san.get(1).toString())
                .containsExactly("www.example.test", "*.example.test", "192.0.2.7");
    }

    @Test
    void theLegacyPkcs12IsThreeDesAndSha1ForBothBagsWhichOpenSsl3ReadsWithoutLegacy() throws Exception {
        Delivered delivered = issue(admin, "/forms/server", serverForm("pkcs12-legacy"));
        Path file = temp(delivered.file(), ".p12");

        Run info = openssl("pkcs12", "-info", "-in", file.toString(), "-passin", "pass:" + delivered.password(), "-noout",
                "-passout", "pass:x");
        assertThat(info.exit()).as(info.output()).isZero();
        assertThat(info.output()).contains("MAC: sha1").doesNotContainIgnoringCase("RC2");
        // The certificate bag (encrypted data) and the key bag (shrouded key), both 3DES.
        assertThat(info.output().split("pbeWithSHA1And3-KeyTripleDES-CBC", -1)).as(info.output()).hasSize(3);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(delivered.file()), delivered.password().toCharArray());
        assertThat(store.getKey(store.aliases().nextElement(), delivered.password().toCharArray())).isNotNull();
        assertThat(delivered.page()).contains("Legacy encryption (3DES, SHA-1)").doesNotContain("-legacy");
    }

    @Test
    void aPemDeliveryIsAnEncryptedPkcs8KeyThenTheCertificateAndTheCa() throws Exception {
        Delivered delivered = issue(admin, "/forms/smime", Map.of("emails", "alice@example.test", "key", "ec-p384", "validityDays", "30",
                "delivery", "pem"));
        String pem = new String(delivered.file(), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----").doesNotContain("BEGIN PRIVATE KEY");
        assertThat(pem.split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
        Path file = temp(delivered.file(), ".pem");
        Run key = openssl("pkey", "-in", file.toString(), "-passin", "pass:" + delivered.password(), "-noout", "-text");
        assertThat(key.exit()).as(key.output()).isZero();
        assertThat(key.output()).contains("NIST CURVE: P-384");
        assertThat(openssl("pkey", "-in", file.toString(), "-passin", "pass:wrong", "-noout").exit()).isNotZero();
        assertThat(openssl("asn1parse", "-in", file.toString()).output()).contains("PBES2", "aes-256-cbc", "hmacWithSHA256");
        CoreSimulator.Call call = portal.core.calls("POST", "/api/csr").get(portal.core.calls("POST", "/api/csr").size() - 1);
        assertThat(call.pathAndQuery()).isEqualTo("/api/csr?kind=SMime&validityDays=30&requester=guesser");
        PKCS10CertificationRequest csr = new PKCS10CertificationRequest(call.body());
        Extension san = csr.getRequestedExtensions().getExtension(Extension.subjectAlternativeName);
        assertThat(GeneralNames.getInstance(san.getParsedValue()).getNames()).containsExactly(new GeneralName(GeneralName.rfc822Name, "alice@example.test"));
        assertThat(ExtendedKeyUsage.fromExtensions(csr.getRequestedExtensions()).getUsages()).containsExactly(KeyPurposeId.id_kp_emailProtection);
    }

    @Test
    void userCodeSigningAndClientFormsAskTheCoreForTheirKind() throws Exception {
        issue(admin, "/forms/user", Map.of("upn", "bob@example.test", "emails", "bob@example.test", "key", "ec-p256", "validityDays", "365",
                "delivery", "pkcs12"));
        assertThat(portal.core.calls("POST", "/api/csr")).last().satisfies(call -> {
            assertThat(call.pathAndQuery()).isEqualTo("/api/csr?kind=User&validityDays=365&requester=guesser");
            assertThat(new PKCS10CertificationRequest(call.body()).getSubject().toString()).isEqualTo("CN=bob@example.test");
        });
        issue(admin, "/forms/code-signing", Map.of("commonName", "Build Server", "key", "rsa-3072", "validityDays", "730", "delivery", "pkcs12"));
        assertThat(portal.core.calls("POST", "/api/csr")).last().satisfies(call -> assertThat(call.pathAndQuery()).isEqualTo(
                "/api/csr?kind=CodeSigning&validityDays=730&requester=guesser"));
        issue(admin, "/forms/client", Map.of("commonName", "kiosk-7", "key", "rsa-2048", "validityDays", "730", "delivery", "pkcs12"));
        assertThat(portal.core.calls("POST", "/api/csr")).last().satisfies(call -> assertThat(call.pathAndQuery()).isEqualTo(
                "/api/csr?kind=Client&validityDays=730&requester=guesser"));
    }

    @Test
    void badInputIsSaidOnTheFormAndNothingReachesTheCore() throws Exception {
        int before = portal.core.calls("POST", "/api/csr").size();
        String longName = "a".repeat(60) + ".example.test";
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("bad_name..example.test", "is not a DNS name"),
                Map.entry("intranet", "is not a fully qualified DNS name"),
                Map.entry("www.*.example.test", "a wildcard is only the whole leftmost label"),
                Map.entry("*.test", "a wildcard is only the whole leftmost label"),
                Map.entry("999.1.1.1", "neither a DNS name nor an IP address"),
                // No host has these addresses (the core's NameSyntax refuses them too).
                Map.entry("0.0.0.0", "is not an address a host can have"),
                Map.entry("::", "is not an address a host can have"),
                Map.entry("255.255.255.255", "is not an address a host can have"),
                Map.entry("224.0.0.1", "is not an address a host can have"),
                Map.entry("ff02::1", "is not an address a host can have"),
                Map.entry(longName, "add a shorter name (or an IP address) for the common name"));
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            Map<String, String> fields = new HashMap<>(serverForm("pkcs12"));
            fields.put("names", refusal.getKey());
            fields.put("_csrf", admin.csrf("/forms/server"));
            HttpResponse<String> page = admin.post("/forms/server", fields);
            assertThat(page.statusCode()).as(refusal.getKey()).isEqualTo(400);
            assertThat(page.body()).as(refusal.getKey()).contains(refusal.getValue()).doesNotContain("id=\"password\"");
        }
        Map<String, String> tooLong = new HashMap<>(serverForm("pkcs12"));
        tooLong.put("validityDays", "398");
        tooLong.put("_csrf", admin.csrf("/forms/server"));
        assertThat(admin.post("/forms/server", tooLong).body()).contains("lives from 1 to 397 days here, not 398");
        Map<String, String> weak = new HashMap<>(serverForm("pkcs12"));
        weak.put("key", "rsa-1024");
        weak.put("_csrf", admin.csrf("/forms/server"));
        assertThat(admin.post("/forms/server", weak).body()).contains("Choose one of the listed keys.");
        for (String mailbox : List.of("a.@example.test", ".a@example.test", "a..b@example.test", "x".repeat(65) + "@example.test")) {
            Map<String, String> user = new HashMap<>(Map.of("upn", mailbox, "key", "ec-p256", "validityDays", "30", "delivery", "pem"));
            user.put("_csrf", admin.csrf("/forms/user"));
            HttpResponse<String> page = admin.post("/forms/user", user);
            assertThat(page.statusCode()).as(mailbox).isEqualTo(400);
            assertThat(page.body()).as(mailbox).contains("is not a valid user principal name");
        }
        HttpResponse<String> noCsrf = admin.post("/forms/server", serverForm("pkcs12"));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(portal.core.calls("POST", "/api/csr")).hasSize(before);
    }

    @Test
    void aNameTooLongForTheCommonNameIsInTheNamesOnlyAndTheFirstThatFitsIsTheCommonName() throws Exception {
        String longName = "a".repeat(60) + ".example.test"; // 73 characters: a valid FQDN, over RFC 5280's 64 for a CN
        Delivered delivered = issue(admin, "/forms/server", Map.of("names", longName + "\nshort.example.test", "key", "ec-p256",
                "validityDays", "30", "delivery", "pkcs12"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(delivered.file()), delivered.password().toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate(store.aliases().nextElement());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=short.example.test");
        assertThat(certificate.getSubjectAlternativeNames()).extracting(san -> san.get(1).toString())
                .containsExactly(longName, "short.example.test");
    }

    @Test
    void theFormsOfferNoLongerLifetimeThanTheInstallationsCapSoTheDefaultCodeSigningFormIssues() throws Exception {
        // The code signing kind allows 1095 days, the installation (the core's default AppConfig:ValidityPeriodDays) 730.
        String form = admin.get("/forms/code-signing").body();
        assertThat(form).contains("at most " + CoreSimulator.CAP_DAYS + ")", "max=\"" + CoreSimulator.CAP_DAYS + "\"",
                "value=\"" + CoreSimulator.CAP_DAYS + "\"");
        assertThat(admin.get("/forms/server").body()).contains("max=\"397\"", "value=\"397\"");
        int before = portal.core.calls("POST", "/api/csr").size();
        Map<String, String> tooLong = new HashMap<>(Map.of("commonName", "Contoso Build", "key", "ec-p256", "validityDays", "731",
                "delivery", "pkcs12"));
        tooLong.put("_csrf", admin.csrf("/forms/code-signing"));
        HttpResponse<String> refused = admin.post("/forms/code-signing", tooLong);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("lives from 1 to 730 days here, not 731");
        assertThat(portal.core.calls("POST", "/api/csr")).hasSize(before);
        // The form as offered, its default lifetime untouched, is one the core issues.
        Delivered delivered = issue(admin, "/forms/code-signing", Map.of("commonName", "Contoso Build", "key", "ec-p256",
                "validityDays", Integer.toString(CoreSimulator.CAP_DAYS), "delivery", "pkcs12"));
        assertThat(portal.core.calls("POST", "/api/csr")).last().satisfies(call -> assertThat(call.pathAndQuery()).contains("validityDays=730"));
        assertThat(delivered.page()).contains("Code signing");
    }

    @Test
    void whatTheCoreRefusesIsSaidOnTheForm() throws Exception {
        portal.core.csrProblem = "The request cannot be issued: a Server certificate lives from 1 to 200 days here, not 300.";
        try {
            HttpResponse<String> page = admin.post("/forms/server", opened(admin, "/forms/server", serverForm("pkcs12")));
            assertThat(page.statusCode()).isEqualTo(400);
            assertThat(page.body()).contains("from 1 to 200 days here").doesNotContain("id=\"password\"");
        } finally {
            portal.core.csrProblem = null;
        }
    }

    @Test
    void theSameFormSentTwiceIssuesOnce() throws Exception {
        Map<String, String> fields = opened(admin, "/forms/server", serverForm("pkcs12"));
        int before = portal.core.calls("POST", "/api/csr").size();
        HttpResponse<String> first = admin.post("/forms/server", fields);
        assertThat(first.statusCode()).isEqualTo(200);
        Matcher serial = Pattern.compile("id=\"serial\">([0-9A-F]+)<").matcher(first.body());
        assertThat(serial.find()).as(first.body()).isTrue();
        HttpResponse<String> again = admin.post("/forms/server", fields);
        assertThat(again.statusCode()).isEqualTo(409);
        // The first sending's answer (its key page) is what a double click throws away: the second names its certificate to revoke.
        assertThat(again.body()).contains("This form was sent already", "issued certificate " + serial.group(1), "revoke it")
                .containsPattern("id=\"earlier-serial\" href=\"[^\"]*/certificates/" + serial.group(1) + "\"")
                .doesNotContain("id=\"password\"");
        Map<String, String> noTicket = new HashMap<>(fields);
        noTicket.remove("ticket");
        assertThat(admin.post("/forms/server", noTicket).statusCode()).isEqualTo(409);
        assertThat(portal.core.calls("POST", "/api/csr")).hasSize(before + 1);
    }

    @Test
    void aDoubleClickWhileTheFirstSendingIsWithTheCoreNamesTheCertificateItIssued() throws Exception {
        Map<String, String> fields = opened(admin, "/forms/server", serverForm("pkcs12"));
        int before = portal.core.calls("POST", "/api/csr").size();
        portal.core.csrDelayMillis = 1500;
        try {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return admin.post("/forms/server", fields);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            while (portal.core.calls("POST", "/api/csr").size() == before) {
                Thread.sleep(20); // the first sending is with the core now
            }
            HttpResponse<String> second = admin.post("/forms/server", fields);
            HttpResponse<String> dropped = first.get(30, TimeUnit.SECONDS);
            Matcher serial = Pattern.compile("id=\"serial\">([0-9A-F]+)<").matcher(dropped.body());
            assertThat(serial.find()).as(dropped.body()).isTrue();
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(second.body()).contains("issued certificate " + serial.group(1))
                    .containsPattern("id=\"earlier-serial\" href=\"[^\"]*/certificates/" + serial.group(1) + "\"");
        } finally {
            portal.core.csrDelayMillis = 0;
        }
        assertThat(portal.core.calls("POST", "/api/csr")).hasSize(before + 1);
    }

    @Test
    void whenTheCaCertificateCannotBeFetchedNothingIsIssuedAndTheFormCanBeSentAgain() throws Exception {
        Map<String, String> fields = opened(admin, "/forms/server", serverForm("pkcs12"));
        int before = portal.core.calls("POST", "/api/csr").size();
        portal.core.caUnavailable = true;
        try {
            HttpResponse<String> page = admin.post("/forms/server", fields);
            assertThat(page.statusCode()).isEqualTo(502);
            assertThat(page.body()).doesNotContain("id=\"password\"");
        } finally {
            portal.core.caUnavailable = false;
        }
        assertThat(portal.core.calls("POST", "/api/csr")).as("no certificate issued whose key could not be delivered").hasSize(before);
        assertThat(admin.post("/forms/server", fields).statusCode()).as("the ticket is still open").isEqualTo(200);
        assertThat(portal.core.calls("POST", "/api/csr")).hasSize(before + 1);
    }

    @Test
    void aServerFormRoleIssuesServerCertificatesOnlyAndAServerCsrRoleSubmitsServerCsrsOnly() throws Exception {
        Browser former = portal.browser();
        former.signIn("server-former", "server-former-password");
        assertThat(former.get("/").body()).contains("id=\"form-server\"").doesNotContain("form-code-signing", "<strong>Submit a CSR</strong>");
        Delivered delivered = issue(former, "/forms/server", serverForm("pkcs12"));
        assertThat(former.get("/forms/code-signing").statusCode()).isEqualTo(403);
        // A .Form role downloads the certificate it just had issued, as the page links it.
        Matcher serial = Pattern.compile("id=\"serial\">([0-9A-F]+)<").matcher(delivered.page());
        assertThat(serial.find()).as(delivered.page()).isTrue();
        for (String format : List.of("der", "pem", "chain")) {
            HttpResponse<byte[]> download = former.download("/csr/issued/" + serial.group(1) + "/" + format);
            assertThat(download.statusCode()).as(format).isEqualTo(200);
        }
        HttpResponse<byte[]> der = former.download("/csr/issued/" + serial.group(1) + "/der");
        assertThat(((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der.body()))).getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT))
                .isEqualTo(serial.group(1));

        Browser csrOnly = portal.browser();
        csrOnly.signIn("server-csr", "server-csr-password");
        assertThat(csrOnly.get("/forms/server").statusCode()).isEqualTo(403);
        assertThat(csrOnly.get("/csr").body()).contains("value=\"Server\"").doesNotContain("value=\"CodeSigning\"", "As the request says");
        int before = portal.core.calls("POST", "/api/csr").size();
        HttpResponse<String> signing = csrOnly.postMultipart("/csr", Map.of("kind", "CodeSigning", "pem", "-----BEGIN CERTIFICATE REQUEST-----",
                "_csrf", csrOnly.csrf("/csr")), null, null);
        assertThat(signing.statusCode()).isEqualTo(403);
        assertThat(signing.body()).contains("lacks the role for Code signing certificates");
        HttpResponse<String> asRequested = csrOnly.postMultipart("/csr", Map.of("pem", "-----BEGIN CERTIFICATE REQUEST-----",
                "_csrf", csrOnly.csrf("/csr")), null, null);
        assertThat(asRequested.statusCode()).isEqualTo(403);
        assertThat(portal.core.calls("POST", "/api/csr")).hasSize(before);
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        java.security.KeyPair keys = generator.generateKeyPair();
        byte[] request = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=csr.example.test"), keys.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
        HttpResponse<String> server = csrOnly.postMultipart("/csr", Map.of("kind", "Server", "_csrf", csrOnly.csrf("/csr")), "file", request);
        assertThat(server.statusCode()).isEqualTo(200);
        assertThat(portal.core.calls("POST", "/api/csr")).last().satisfies(call -> assertThat(call.pathAndQuery()).isEqualTo("/api/csr?kind=Server&requester=server-csr"));
    }

    @Test
    void theCaCertificateAndTheCrlDownloadForAnySignedInRole() throws Exception {
        Browser former = portal.browser();
        former.signIn("server-former", "server-former-password");
        HttpResponse<byte[]> der = former.download("/ca/der");
        assertThat(der.statusCode()).isEqualTo(200);
        assertThat(((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der.body()))).getSubjectX500Principal().getName()).isEqualTo("CN=Simulated Core CA");
        assertThat(new String(former.download("/ca/pem").body(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----");
        HttpResponse<byte[]> crl = former.download("/crl");
        assertThat(crl.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        assertThat(java.security.cert.CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crl.body()))).isNotNull();
        assertThat(portal.core.calls("GET", "/api/manage/crl")).last().satisfies(call ->
                assertThat(call.authorization()).isEqualTo("Bearer portal-secret-token"));
    }

    @Test
    void nothingOfTheKeyOrThePasswordStaysInAnySession() throws Exception {
        Delivered delivered = issue(admin, "/forms/server", serverForm("pkcs12"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(delivered.file()), delivered.password().toCharArray());
        String alias = store.aliases().nextElement();
        byte[] key = store.getKey(alias, delivered.password().toCharArray()).getEncoded();

        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) portal.context).getWebServer();
        Context context = (Context) server.getTomcat().getHost().findChildren()[0];
        Session[] sessions = context.getManager().findSessions();
        assertThat(sessions).isNotEmpty();
        for (Session session : sessions) {
            StandardSession standard = (StandardSession) session;
            for (String name : Collections.list(standard.getAttributeNames())) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(standard.getAttribute(name));
                } catch (java.io.NotSerializableException e) {
                    bytes.write(String.valueOf(standard.getAttribute(name)).getBytes(StandardCharsets.UTF_8));
                }
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                assertThat(text).as(name).doesNotContain(delivered.password())
                        .doesNotContain(new String(delivered.password().getBytes(StandardCharsets.UTF_16BE), StandardCharsets.ISO_8859_1))
                        .doesNotContain(new String(java.util.Arrays.copyOfRange(key, key.length - 64, key.length), StandardCharsets.ISO_8859_1));
            }
        }
    }
}
