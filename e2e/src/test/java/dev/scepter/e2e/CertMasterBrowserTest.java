package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Certificate Master in a real browser (Debian's chromium, driven by its chromedriver) against the
 * built launcher: the admin signs in with the password from the data folder, issues a TLS server
 * certificate from the form and opens its PKCS#12 with {@code openssl pkcs12}, has a CSR made by
 * openssl issued, finds both by search, reads the history of a device that enrolled twice over
 * SCEP, revokes a certificate; then {@code openssl ocsp} against the core says revoked. Each page
 * is saved as a screenshot under {@code target/screenshots/certmaster}.
 */
class CertMasterBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "certmaster");

    private static final String AAD_CHALLENGE = "certmaster-e2e-challenge";

    /** With {@code /static/aad} on, for certificates bound to a device of the embedded directory. */
    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withSettings(Map.of(
            "AppConfig__StaticAADValidation__Enabled", "true",
            "AppConfig__StaticAADValidation__RequestPassword", AAD_CHALLENGE));

    @TempDir
    static Path work;
    private static Path downloads;
    private static ChromeDriver browser;

    @BeforeAll
    static void openBrowser() throws IOException {
        downloads = Files.createDirectories(work.resolve("downloads"));
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // Headless as root, and nothing that reaches beyond this machine: no updates, sync, QUIC or first-run pages.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--user-data-dir=" + work.resolve("profile"));
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false, "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * The issue's story, in the order an admin would go: sign in, issue a TLS server certificate
     * from the form, submit a CSR, find both, read a device's history, revoke one, ask OCSP.
     */
    @Test
    void theAdminIssuesFromTheFormSubmitsACsrFindsBothReadsADevicesHistoryAndRevokes() throws Exception {
        signIn();
        Path caPem = server.caCertificatePem(work);

        // 1. A TLS server certificate from the form, reached through the header's Issue menu.
        browser.findElement(By.cssSelector("#nav-issue summary")).click();
        screenshot("03-issue-menu");
        follow(browser.findElement(By.id("nav-form-server")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("TLS server");
        browser.findElement(By.id("names")).sendKeys("web.example.test\n*.web.example.test\n192.0.2.10");
        browser.findElement(By.id("clientAuth")).click();
        WebElement lifetime = browser.findElement(By.id("validityDays"));
        lifetime.clear();
        lifetime.sendKeys("90");
        screenshot("04-form-server");
        follow(browser.findElement(By.id("submit")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Certificate issued");
        String p12Password = browser.findElement(By.id("password")).getText();
        String formSerial = browser.findElement(By.id("serial")).getText();
        assertThat(p12Password).hasSize(24);
        screenshot("05-form-issued");

        // The file is a data: link on the page: the browser saves it without asking the server again.
        browser.findElement(By.id("download-key")).click();
        Path p12 = awaitDownload(".p12");
        Path formPem = work.resolve("form.pem");
        Command.Result opened = Command.run(work, "openssl", "pkcs12", "-in", p12.toString(), "-passin", "pass:" + p12Password, "-nokeys",
                "-clcerts", "-out", formPem.toString());
        assertThat(opened.exitCode()).as(opened.toString()).isZero();
        assertThat(Openssl.serial(work, formPem)).isEqualToIgnoringCase(formSerial);
        assertThat(Command.run(work, "openssl", "x509", "-in", formPem.toString(), "-noout", "-ext", "subjectAltName,extendedKeyUsage")
                .stdout()).contains("DNS:web.example.test", "DNS:*.web.example.test", "IP Address:192.0.2.10",
                        "TLS Web Server Authentication", "TLS Web Client Authentication");
        assertThat(Openssl.verify(work, caPem, formPem).exitCode()).isZero();
        assertThat(Command.run(work, "openssl", "pkcs12", "-in", p12.toString(), "-passin", "pass:wrong-password", "-nokeys").exitCode())
                .isNotZero();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(p12)) {
            store.load(in, p12Password.toCharArray());
        }
        assertThat(store.isKeyEntry(store.aliases().nextElement())).isTrue();
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, formPem), formPem);

        // 2. A request made by openssl, uploaded as a file.
        Path key = work.resolve("browser.key");
        Path csr = work.resolve("browser.csr");
        Command.Result request = Command.run(work, "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-subj", "/CN=browser.example.test", "-addext", "subjectAltName=DNS:browser.example.test", "-out", csr.toString());
        assertThat(request.exitCode()).as(request.toString()).isZero();
        follow(browser.findElement(By.id("nav-csr")));
        screenshot("06-csr");
        browser.findElement(By.id("file")).sendKeys(csr.toAbsolutePath().toString());
        follow(browser.findElement(By.id("submit")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Certificate issued");
        String csrSerial = browser.findElement(By.id("serial")).getText();
        assertThat(browser.findElement(By.id("subject")).getText()).contains("CN=browser.example.test");
        screenshot("07-csr-issued");

        browser.findElement(By.id("download-der")).click();
        Path der = awaitDownload(".cer");
        Path csrPem = work.resolve("browser.pem");
        Command.Result converted = Command.run(work, "openssl", "x509", "-inform", "DER", "-in", der.toString(), "-out", csrPem.toString());
        assertThat(converted.exitCode()).as(converted.toString()).isZero();
        assertThat(Openssl.verify(work, caPem, csrPem).exitCode()).isZero();
        assertThat(Openssl.serial(work, csrPem)).isEqualToIgnoringCase(csrSerial);
        assertThat(Command.run(work, "openssl", "x509", "-in", csrPem.toString(), "-noout", "-ext", "subjectAltName").stdout())
                .contains("DNS:browser.example.test");
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, csrPem), csrPem);

        // 3. Both found by search, each opened from the results.
        search("web.example.test");
        WebElement formResults = browser.findElement(By.id("results"));
        assertThat(formResults.getText()).contains(formSerial, "CN=web.example.test", "Valid").doesNotContain(csrSerial);
        screenshot("08-search-form");
        follow(formResults.findElement(By.linkText(formSerial)));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Certificate " + formSerial);
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Good");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("CN=web.example.test", "web.example.test",
                "*.web.example.test", "192.0.2.10", "admin through API user");
        screenshot("09-detail-form");

        search("browser.example.test");
        WebElement csrResults = browser.findElement(By.id("results"));
        assertThat(csrResults.getText()).contains(csrSerial, "CN=browser.example.test", "Valid").doesNotContain(formSerial);
        screenshot("10-search-csr");
        follow(csrResults.findElement(By.linkText(csrSerial)));
        // The live status is OCSP's answer, explained by the core.
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Good");
        assertThat(browser.findElement(By.id("explanation")).getText()).contains("bound to no device or user");
        assertThat(browser.findElement(By.id("history")).getText()).contains(csrSerial);
        screenshot("11-detail-csr");
        String csrDetail = browser.getCurrentUrl();

        // 4. A device of the embedded directory enrolls twice over SCEP (scepclient, /static/aad: the CN is
        // the device's id, so both certificates are bound to it); the newer one's page tells its history.
        UUID device = UUID.randomUUID();
        new CoreApi(server).device(device, true);
        String older = enrollForDevice(device, "first");
        // X.509 times are whole seconds: the renewal must end later than the first to replace it.
        Thread.sleep(1_100);
        String newer = enrollForDevice(device, "second");
        search(device.toString());
        WebElement deviceResults = browser.findElement(By.id("results"));
        assertThat(deviceResults.getText()).contains(older, newer, "CN=" + device);
        screenshot("12-search-device");
        follow(deviceResults.findElement(By.linkText(newer)));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Good");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(device.toString());
        WebElement history = browser.findElement(By.id("history"));
        // Oldest first: the first enrollment, replaced by the second; the second, which replaced it and is this page's.
        assertDeviceHistory(older, newer, newer);
        screenshot("13-device-history");
        // The same history from the other end: the older one's page, opened from this one.
        follow(history.findElement(By.linkText(older)));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Certificate " + older);
        assertDeviceHistory(older, newer, older);

        // 5. Expiring within ten years without a successor: the new ones under their endpoints, not the replaced one.
        follow(browser.findElement(By.id("nav-expiring")));
        browser.findElement(By.id("days")).clear();
        browser.findElement(By.id("days")).sendKeys("3650");
        follow(browser.findElement(By.id("show")));
        assertThat(browser.findElement(By.id("total")).getText()).contains("expire within 3650 days without a successor");
        String expiring = browser.findElement(By.tagName("main")).getText();
        assertThat(expiring).doesNotContain(older);
        WebElement api = endpointGroup("api");
        assertThat(api.getText()).contains(csrSerial, "CN=browser.example.test (unbound)", formSerial).doesNotContain(newer);
        // The device's newer certificate under the endpoint it enrolled through, beside the device it is bound to.
        WebElement aad = endpointGroup("static-aad");
        assertThat(aad.getText()).contains(newer).doesNotContain(csrSerial, formSerial);
        assertThat(aad.findElements(By.linkText(device.toString()))).as("the device, in \"Device or user\"").hasSize(1);
        screenshot("14-expiring");

        // 6. Revoke the CSR's certificate from its page; OCSP then says revoked.
        browser.get(csrDetail);
        new Select(browser.findElement(By.id("reason"))).selectByVisibleText("Key compromise");
        follow(browser.findElement(By.id("revoke")));
        assertThat(browser.findElement(By.id("message")).getText()).startsWith("Revoked (Key compromise)");
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Revoked");
        assertThat(browser.findElement(By.id("revocation")).getText()).contains("admin through API user");
        assertThat(browser.findElement(By.id("explanation")).getText()).contains("Revoked by hand", "admin through API user", "keyCompromise");
        screenshot("15-revoked");
        OpensslOcsp.assertStatus(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, csrPem), csrPem, "revoked", "keyCompromise");
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, formPem), formPem);

        // The trail, from the header: who revoked it.
        follow(browser.findElement(By.id("nav-audit")));
        browser.findElement(By.id("q")).sendKeys(csrSerial);
        follow(browser.findElement(By.id("search")));
        assertThat(browser.findElement(By.id("events")).getText()).contains("admin through API user", "certificate.revoke", csrSerial + " reason 1");
        screenshot("16-audit");

        // Something that is not a CSR: said on the form, nothing issued.
        follow(browser.findElement(By.id("nav-csr")));
        browser.findElement(By.id("pem")).sendKeys("this is not a certification request");
        follow(browser.findElement(By.id("submit")));
        assertThat(browser.findElement(By.id("error")).getText()).contains("not a PKCS#10 certification request");
        screenshot("17-not-a-csr");
    }

    /**
     * The device's history on the page shown: two rows, oldest first, each Renewal cell exactly (the older one replaced by
     * the newer, the newer one having replaced it), and the row of {@code shown} marked as this page's.
     */
    private static void assertDeviceHistory(String older, String newer, String shown) {
        WebElement history = browser.findElement(By.id("history"));
        assertThat(history.findElement(By.tagName("h2")).getText()).isEqualTo("Every certificate of this device or user");
        java.util.List<WebElement> rows = history.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).as(history.getText()).hasSize(2);
        assertThat(rows.get(0).findElements(By.tagName("td")).get(0).getText()).isEqualTo(older);
        assertThat(rows.get(0).findElements(By.tagName("td")).get(4).getText()).isEqualTo("replaced by " + newer);
        assertThat(rows.get(1).findElements(By.tagName("td")).get(0).getText()).isEqualTo(newer);
        assertThat(rows.get(1).findElements(By.tagName("td")).get(4).getText()).isEqualTo("replaced " + older);
        assertThat(rows).extracting(row -> java.util.Objects.toString(row.getAttribute("class"), ""))
                .containsExactly(shown.equals(older) ? "this" : "", shown.equals(newer) ? "this" : "");
    }

    /** The expiry page's card of one endpoint, found by its heading. */
    private static WebElement endpointGroup(String endpoint) {
        java.util.List<WebElement> groups = browser.findElements(By.cssSelector("section.endpoint-group")).stream()
                .filter(group -> group.findElement(By.tagName("h2")).getText().startsWith("Endpoint " + endpoint + ":")).toList();
        assertThat(groups).as("the card of endpoint " + endpoint).hasSize(1);
        return groups.get(0);
    }

    private static void signIn() throws Exception {
        // The portal starts after the core is ready ("Certificate Master ready" in the log).
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.getLong("scepter.startTimeoutSeconds", 60)).toNanos();
        while (server.get("certmaster/signin").statusCode() != 200) {
            assertThat(System.nanoTime()).as("Certificate Master serves in time\n" + server.log()).isLessThan(deadline);
            Thread.sleep(200);
        }
        // Without a session, the portal sends the browser to its sign-in page.
        browser.get(server.url("certmaster/").toString());
        assertThat(browser.getCurrentUrl()).endsWith("/certmaster/signin");
        screenshot("01-signin");
        String password = Files.readString(server.dataDir().resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(password);
        follow(browser.findElement(By.id("signin")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Welcome, admin");
        screenshot("02-home");
    }

    /**
     * Clicks a link or a form's button and waits until the browser has left the page: a click may return before the next
     * page replaces this one, and an element found then would be the old page's (stale a moment later).
     */
    private static void follow(WebElement link) {
        WebElement page = browser.findElement(By.tagName("html"));
        link.click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> isStale(page));
    }

    /**
     * Whether {@code element}'s page has been replaced. ChromeDriver sometimes answers a node caught mid-navigation with
     * "unknown error: ... Node with given id does not belong to the document" rather than a stale element reference
     * (SeleniumHQ/selenium#15401, a few runs in a hundred), which {@code ExpectedConditions.stalenessOf} lets through as
     * a failure; that answer says the same thing, so it counts as stale. Any other error still fails the test.
     */
    private static boolean isStale(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException gone) {
            return true;
        } catch (WebDriverException e) {
            String message = e.getMessage();
            if (message != null && message.contains("Node with given id does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** The certificates page, from the header, searched for {@code text}. */
    private static void search(String text) {
        follow(browser.findElement(By.id("nav-certificates")));
        browser.findElement(By.id("q")).sendKeys(text);
        follow(browser.findElement(By.id("search")));
    }

    /** scepclient enrolls on {@code /static/aad} with the device's id as CN, in a folder of its own; the serial as the portal shows it. */
    private static String enrollForDevice(UUID device, String folder) throws IOException {
        Path client = Files.createDirectories(work.resolve("device-" + folder));
        Command.Result enrolled = Scepclient.enroll(client, server.url("static/aad"), AAD_CHALLENGE, device.toString());
        assertThat(enrolled.exitCode()).as("scepclient on /static/aad:\n%s", enrolled).isZero();
        return new BigInteger(Openssl.serial(client, Scepclient.certificate(client)), 16).toString(16).toUpperCase(Locale.ROOT);
    }

    private static Path awaitDownload(String suffix) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> {
            try (Stream<Path> files = Files.list(downloads)) {
                Optional<Path> done = files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst();
                return done.orElse(null);
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** The whole page, not just the window: a detail page's history is below the fold. */
    private static void screenshot(String name) throws IOException {
        Map<String, Object> layout = browser.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<?, ?> content = (Map<?, ?>) layout.get("cssContentSize");
        // The window's width, scroll bar included: captured whole, the page has none and takes that width.
        Number width = (Number) browser.executeScript("return window.innerWidth");
        Map<String, Object> page = Map.of("x", 0, "y", 0, "scale", 1,
                "width", width.doubleValue(), "height", ((Number) content.get("height")).doubleValue());
        Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", page));
        Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    }
}
