package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The portal alone against a simulated core: first start, sign-in, CSR submission, search and revocation. */
class CertMasterTest {

    private static RunningPortal portal;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        portal = RunningPortal.start();
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    @BeforeEach
    void signIn() throws Exception {
        portal.core.revoked = false;
        browser = portal.browser();
        HttpResponse<String> signIn = browser.signIn("admin", portal.adminPassword());
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).doesNotContain("error"));
    }

    @Test
    void theFirstStartMakesAnAdminWhosePasswordIsInAnOwnerOnlyFileAndHashedInTheAccounts() throws Exception {
        Path passwordFile = portal.dataDir.resolve("certmaster-admin-password");
        Path accounts = portal.dataDir.resolve("certmaster-users.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(accounts))).isEqualTo("rw-------");
        String stored = Files.readString(accounts, StandardCharsets.UTF_8);
        assertThat(stored).contains("\"admin\"", "{bcrypt}", "Admin.Full").doesNotContain(portal.adminPassword());
        assertThat(portal.adminPassword()).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void theHomePageGreetsTheSignedInAdminWithCookieAndHeadersThatKeepTheSessionSafe() throws Exception {
        HttpResponse<String> home = browser.get("/");
        assertThat(home.statusCode()).isEqualTo(200);
        // The home page's own tiles (the header links the same pages, so the words alone would not tell).
        assertThat(home.body()).contains("Welcome, <span>admin</span>", "<strong>Submit a CSR</strong>", "<strong>Find certificates</strong>")
                .contains("Your roles: <span>Admin.Full</span>").doesNotContain("FACTOR_");
        // Admin.Full: every link in the header, every form under "Issue".
        assertThat(PortalRouteTest.header(home)).contains("id=\"nav-csr\"", "id=\"nav-certificates\"", "id=\"nav-expiring\"",
                "id=\"nav-audit\"", "href=\"/certmaster/audit\"", "id=\"nav-issue\"", "id=\"nav-form-server\"", "id=\"nav-form-client\"",
                "id=\"nav-form-user\"", "id=\"nav-form-code-signing\"", "id=\"nav-form-smime\"");
        assertThat(home.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"));
        assertThat(home.headers().firstValue("X-Frame-Options")).hasValue("DENY");

        HttpResponse<String> signInPage = portal.browser().get("/signin");
        assertThat(signInPage.headers().allValues("Set-Cookie")).anySatisfy(cookie ->
                assertThat(cookie).startsWith("CERTMASTER_SESSION=").contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure"));
    }

    @Test
    void aPastedCsrGoesToTheCoreWithThePortalsTokenAndTheCertificateDownloadsInEachForm() throws Exception {
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----";
        HttpResponse<String> issued = browser.postMultipart("/csr", Map.of("pem", pem, "_csrf", browser.csrf("/csr")), null, null);
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(issued.body()).contains("Certificate issued", CoreSimulator.SERIAL, "CN=www.example.test");
        CoreSimulator.Call call = portal.core.calls("POST", "/api/csr").get(portal.core.calls("POST", "/api/csr").size() - 1);
        assertThat(call.authorization()).isEqualTo("Bearer portal-secret-token");
        assertThat(call.text()).isEqualTo(pem);
        // The signed-in person goes to the core as the requester, for it to record.
        assertThat(call.pathAndQuery()).isEqualTo("/api/csr?requester=admin");

        HttpResponse<byte[]> der = browser.download("/csr/issued/" + CoreSimulator.SERIAL + "/der");
        assertThat(der.body()).isEqualTo(CoreSimulator.resource("leaf.cer"));
        assertThat(der.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).contains("attachment"));
        String chain = new String(browser.download("/csr/issued/" + CoreSimulator.SERIAL + "/chain").body(), StandardCharsets.US_ASCII);
        assertThat(chain.split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
        assertThat(new String(browser.download("/csr/issued/" + CoreSimulator.SERIAL + "/pem").body(), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        // Another session cannot fetch what this one had issued.
        Browser other = portal.browser();
        other.signIn("admin", portal.adminPassword());
        assertThat(other.download("/csr/issued/" + CoreSimulator.SERIAL + "/der").statusCode()).isEqualTo(404);
    }

    @Test
    void anUploadedDerCsrGoesToTheCoreAsItIs() throws Exception {
        byte[] der = {0x30, 0x03, 0x02, 0x01, 0x00};
        HttpResponse<String> issued = browser.postMultipart("/csr", Map.of("_csrf", browser.csrf("/csr")), "file", der);
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(portal.core.calls("POST", "/api/csr")).last().satisfies(call -> assertThat(call.body()).isEqualTo(der));
    }

    @Test
    void whatTheCoreRefusesIsSaidOnTheFormInItsWords() throws Exception {
        portal.core.csrProblem = "The request cannot be issued: RSA keys need at least 2048 bits, this one has 1024.";
        try {
            HttpResponse<String> refused = browser.postMultipart("/csr", Map.of("pem", "weak", "_csrf", browser.csrf("/csr")), null, null);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("RSA keys need at least 2048 bits, this one has 1024.").doesNotContain("Certificate issued");
        } finally {
            portal.core.csrProblem = null;
        }
    }

    @Test
    void anEmptyFormIsAnsweredOnThePageWithoutAskingTheCore() throws Exception {
        int before = portal.core.calls("POST", "/api/csr").size();
        HttpResponse<String> refused = browser.postMultipart("/csr", Map.of("pem", " ", "_csrf", browser.csrf("/csr")), null, null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Paste a certification request");
        assertThat(portal.core.calls("POST", "/api/csr")).hasSize(before);
    }

    @Test
    void aFormWithoutItsCsrfTokenChangesNothingAndSaysWhy() throws Exception {
        int before = portal.core.calls("PATCH", "/api/manage/revoke").size();
        HttpResponse<String> refused = browser.post("/certificates/" + CoreSimulator.SERIAL + "/revoke", Map.of("reason", "1"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("This form has expired or did not come from Certificate Master");
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke")).hasSize(before);
    }

    @Test
    void searchFindsTheCertificateAndRevocationNamesTheSignedInAdminToTheCore() throws Exception {
        HttpResponse<String> search = browser.get("/certificates?q=example&validity=Active");
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).contains(CoreSimulator.SERIAL, "CN=www.example.test");
        assertThat(portal.core.calls("GET", "/api/manage/search")).last().satisfies(call -> {
            assertThat(call.pathAndQuery()).contains("searchText=example", "certValidity=Active");
            assertThat(call.authorization()).isEqualTo("Bearer portal-secret-token");
        });

        String detailPath = "/certificates/" + CoreSimulator.SERIAL;
        assertThat(browser.get(detailPath).body()).contains("Valid", "dns:www.example.test", "Revoke this certificate");
        int revocationsBefore = portal.core.calls("PATCH", "/api/manage/revoke/" + CoreSimulator.SERIAL).size();
        HttpResponse<String> revoked = browser.post(detailPath + "/revoke", Map.of("reason", "1", "_csrf", browser.csrf(detailPath)));
        assertThat(revoked.statusCode()).isEqualTo(302);
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke/" + CoreSimulator.SERIAL)).hasSize(revocationsBefore + 1).last()
                .satisfies(call -> assertThat(call.text()).isEqualTo("{\"revocationReason\":1,\"revoker\":\"admin\"}"));
        HttpResponse<String> after = browser.get(detailPath);
        assertThat(after.body()).contains("Revoked (Key compromise)", "admin through API user certmaster").doesNotContain("Revoke this certificate");

        // Revoked twice (another admin was quicker): the core's 409 in words.
        HttpResponse<String> again = browser.post(detailPath + "/revoke", Map.of("reason", "4", "_csrf", browser.csrf("/csr")));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(browser.get(detailPath).body()).contains("The certificate is already revoked.");
    }

    @Test
    void aReasonOutsideTheListIsRefusedWithoutAskingTheCore() throws Exception {
        int before = portal.core.calls("PATCH", "/api/manage/revoke").size();
        String detailPath = "/certificates/" + CoreSimulator.SERIAL;
        browser.post(detailPath + "/revoke", Map.of("reason", "7", "_csrf", browser.csrf("/csr")));
        assertThat(browser.get(detailPath).body()).contains("Choose one of the listed reasons.");
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke")).hasSize(before);
    }

    @Test
    void anUnknownSerialIsANotFoundPage() throws Exception {
        HttpResponse<String> missing = browser.get("/certificates/ABCDEF");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("No such certificate", "ABCDEF");
        assertThat(browser.get("/certificates/not-hex").statusCode()).isEqualTo(404);
    }

    @Test
    void theAuditPageShowsTheCoresTrailSearchedByTextAndEscaped() throws Exception {
        HttpResponse<String> all = browser.get("/audit");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).contains("admin through API user certmaster", "certificate.revoke", "certificate.issue", "2026-06-01 00:00:00")
                // What a device put in its subject is text on the page, never markup.
                .contains("CN=&lt;b&gt;device&lt;/b&gt;").doesNotContain("<b>device</b>");
        assertThat(portal.core.calls("GET", "/api/manage/audit")).last()
                .satisfies(call -> assertThat(call.pathAndQuery()).isEqualTo("/api/manage/audit?limit=1000"));
        HttpResponse<String> revocations = browser.get("/audit?q=REVOKE");
        assertThat(revocations.body()).contains("certificate.revoke").doesNotContain("certificate.issue");
        assertThat(browser.get("/audit?q=nothing-like-this").body()).contains("No event matches.");
        assertThat(browser.get("/").body()).contains("Audit trail");
    }

    @Test
    void signInsGoToTheCoresAuditTrailWithTheNameTheWayAndTheAddressButNoPassword() throws Exception {
        portal.browser().signIn("admin", "not-the-password");
        portal.core.awaitCalls("POST", "/api/manage/audit/sign-in", 2);
        long until = System.nanoTime() + 10_000_000_000L;
        // This admin's refusal, not any: another test's (mallory's) may already be there, and this one comes in the background.
        while (portal.core.calls("POST", "/api/manage/audit/sign-in").stream()
                .noneMatch(c -> c.text().startsWith("{\"user\":\"admin\"") && c.text().contains("\"succeeded\":false"))
                && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(portal.core.calls("POST", "/api/manage/audit/sign-in")).extracting(CoreSimulator.Call::text)
                .contains("{\"user\":\"admin\",\"method\":\"password\",\"address\":\"127.0.0.1\",\"succeeded\":true,\"reason\":\"\"}",
                        "{\"user\":\"admin\",\"method\":\"password\",\"address\":\"127.0.0.1\",\"succeeded\":false,"
                                + "\"reason\":\"BadCredentialsException\"}")
                .allSatisfy(text -> assertThat(text).doesNotContain("not-the-password"));
    }

    @Test
    void repeatedRefusalsOfOneNameReachTheCoreOnceAWindowWithTheNameMadeHarmless() throws Exception {
        String name = "mallory\u202Egnp through API user certmaster\u0085";
        Browser stranger = portal.browser();
        for (int i = 0; i < 5; i++) {
            stranger.signIn(name, "guess-" + i);
        }
        String reported = "{\"user\":\"mallory?gnp?through?API?user?certmaster?\",\"method\":\"password\"";
        long until = System.nanoTime() + 10_000_000_000L;
        while (portal.core.calls("POST", "/api/manage/audit/sign-in").stream().noneMatch(c -> c.text().startsWith(reported))
                && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        // The first refusal, with the bidirectional override, the C1 control and the joining words made harmless
        // (the core would refuse them as typed); the other four are counted for the window's end, not sent one by one.
        assertThat(portal.core.calls("POST", "/api/manage/audit/sign-in")).extracting(CoreSimulator.Call::text)
                .filteredOn(text -> text.startsWith(reported)).hasSize(1);
    }

    @Test
    void theSearchPassesItsFiltersToTheCoreAndRefusesBadOnesOnThePage() throws Exception {
        HttpResponse<String> search = browser.get("/certificates?q=laptop&validity=Active&type=Device&endpoint=intune&expires=14");
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(portal.core.calls("GET", "/api/manage/search")).last().satisfies(call -> assertThat(call.pathAndQuery())
                .contains("searchText=laptop", "certValidity=Active", "certType=Device", "endpoint=intune", "expiresWithinDays=14"));
        assertThat(search.body()).contains("Export CSV", "Revoke selected");

        int before = portal.core.callsButSignInReports();
        HttpResponse<String> bad = browser.get("/certificates?expires=soon");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Expires within: a number of days from 0 to 3650.");
        assertThat(portal.core.callsButSignInReports()).isEqualTo(before);
    }

    @Test
    void theDetailShowsTheCoresReasonInWordsAndTheHistory() throws Exception {
        HttpResponse<String> detail = browser.get("/certificates/" + CoreSimulator.SERIAL);
        assertThat(detail.body()).contains("Status now:", "Good", "Good: bound to no device or user", "Every certificate of this subject");
        assertThat(portal.core.calls("GET", "/api/manage/certificates/" + CoreSimulator.SERIAL)).isNotEmpty();
    }

    @Test
    void theHistorySaysForEachRenewalWhichItReplacedWhichReplacedItAndWhichWasNotRenewed() throws Exception {
        List<String> serials = CoreSimulator.RENEWALS;
        for (String page : serials) {
            HttpResponse<String> detail = browser.get("/certificates/" + page);
            assertThat(detail.statusCode()).as(page).isEqualTo(200);
            assertThat(detail.body()).as(page).contains("Every certificate of this device or user");
            List<List<String>> rows = historyRows(detail.body());
            assertThat(rows).as(page).extracting(row -> row.get(0)).containsExactlyElementsOf(serials);
            // The Renewal cell as a browser shows it: each part after the one before by "; ".
            assertThat(rows).as(page).extracting(row -> row.get(4)).containsExactly("replaced by " + serials.get(1),
                    "replaced " + serials.get(0) + "; replaced by " + serials.get(2), "replaced " + serials.get(1) + "; not renewed");
            assertThat(rows).as(page).extracting(row -> row.get(5)).containsExactly(
                    serials.stream().map(s -> s.equals(page) ? "this" : "").toArray(String[]::new));
        }
        // A certificate that neither replaced nor was replaced, and is not due: nothing in the cell.
        assertThat(historyRows(browser.get("/certificates/" + CoreSimulator.SERIAL).body())).singleElement()
                .satisfies(row -> assertThat(row.get(4)).isEmpty());
    }

    private static final Pattern ROW = Pattern.compile("<tr([^>]*)>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);

    /**
     * Each row of the history table: its cells' text as a browser shows it (tags gone, whitespace collapsed), then the row's
     * class.
     */
    private static List<List<String>> historyRows(String page) {
        String history = page.substring(page.indexOf("<section id=\"history\""));
        history = history.substring(history.indexOf("<tbody>"), history.indexOf("</tbody>"));
        List<List<String>> rows = new ArrayList<>();
        Matcher row = ROW.matcher(history);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            Matcher cell = CELL.matcher(row.group(2));
            while (cell.find()) {
                cells.add(cell.group(1).replaceAll("<[^>]*>", "").replaceAll("\\s+", " ").strip());
            }
            Matcher rowClass = Pattern.compile("class=\"([^\"]*)\"").matcher(row.group(1));
            cells.add(rowClass.find() ? rowClass.group(1) : "");
            rows.add(cells);
        }
        return rows;
    }

    @Test
    void severalAreRevokedWithOneReasonAndEachOutcomeIsSaid() throws Exception {
        HttpResponse<String> result = browser.post("/certificates/revoke",
                Map.of("serial", CoreSimulator.SERIAL, "reason", "4", "_csrf", browser.csrf("/csr")), "serial", "ABCDEF");
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("1</span> revoked, <span>1</span> not", "Revoked (Superseded)", "Not found.");
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke/" + CoreSimulator.SERIAL)).last()
                .satisfies(call -> assertThat(call.text()).isEqualTo("{\"revocationReason\":4,\"revoker\":\"admin\"}"));
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke/ABCDEF")).last()
                .satisfies(call -> assertThat(call.text()).contains("\"revoker\":\"admin\""));

        int before = portal.core.callsButSignInReports();
        HttpResponse<String> none = browser.post("/certificates/revoke", Map.of("reason", "4", "_csrf", browser.csrf("/csr")));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("Select at least one certificate.");
        HttpResponse<String> badReason = browser.post("/certificates/revoke", Map.of("serial", "ABCDEF", "reason", "7", "_csrf",
                browser.csrf("/csr")));
        assertThat(badReason.body()).contains("Choose one of the listed reasons.");
        assertThat(portal.core.callsButSignInReports()).isEqualTo(before);
    }

    @Test
    void aBulkRevocationStopsAtTheFirstOutageAndSaysWhichAreUnknownAndWhichNotTried() throws Exception {
        int before = portal.core.calls("PATCH", "/api/manage/revoke/ABCDEF").size();
        HttpResponse<String> result = browser.post("/certificates/revoke",
                Map.of("serial", CoreSimulator.FAILING, "reason", "4", "_csrf", browser.csrf("/csr")), "serial", "ABCDEF");
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("0</span> revoked, <span>2</span> not",
                "Unknown: the CA did not answer in time, and may have revoked it; check this certificate.",
                "Not tried: the CA did not answer about an earlier one.");
        assertThat(portal.core.calls("PATCH", "/api/manage/revoke/ABCDEF")).as("not sent after the outage").hasSize(before);
    }

    @Test
    void theCsvExportHoldsEveryPageAndDefusesFormulas() throws Exception {
        HttpResponse<byte[]> export = browser.download("/certificates/export.csv?endpoint=paged&validity=Any");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(export.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).contains("attachment"));
        String csv = new String(export.body(), StandardCharsets.UTF_8);
        String[] lines = csv.replace("\uFEFF", "").split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("\"serialNumber\",\"thumbprint\",\"subject\"");
        assertThat(lines[1]).startsWith("\"" + CoreSimulator.SERIAL + "\",\"\",\"CN=www.example.test\"");
        assertThat(lines[2]).contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"", "\"'@SUM(1+1)\"", "\"'+paged\"",
                "\"d6b58414-60ed-426b-b382-276a3e8d626d\"");
        assertThat(portal.core.calls("GET", "/api/manage/search")).last()
                .satisfies(call -> assertThat(call.pathAndQuery()).contains("continuationToken=" + CoreSimulator.SECOND_PAGE));
    }

    @Test
    void theExpiryPageAsksForActiveCertificatesWithoutSuccessorAndGroupsThemByEndpoint() throws Exception {
        HttpResponse<String> page = browser.get("/expiring?days=14");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Endpoint <span>api</span>", "CN=www.example.test (unbound)", CoreSimulator.SERIAL);
        assertThat(portal.core.calls("GET", "/api/manage/search")).last().satisfies(call -> assertThat(call.pathAndQuery())
                .contains("certValidity=Active", "expiresWithinDays=14", "withoutSuccessor=true"));

        int before = portal.core.callsButSignInReports();
        HttpResponse<String> bad = browser.get("/expiring?days=-3");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Days: a number from 0 to 3650.");
        assertThat(portal.core.callsButSignInReports()).isEqualTo(before);
    }
}
