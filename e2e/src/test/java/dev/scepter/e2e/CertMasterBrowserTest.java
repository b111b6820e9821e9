package dev.scepter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Certificate Master in a real browser (Debian's chromium, driven by its chromedriver) against the
 * built launcher: the admin signs in with the password from the data folder, has a CSR made by
 * openssl issued, downloads the certificate, finds it, revokes it; then {@code openssl ocsp}
 * against the core says revoked. Each page is saved as a screenshot under
 * {@code target/screenshots/certmaster}.
 */
class CertMasterBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "certmaster");

    @RegisterExtension
    static final ScepterServerExtension server = ScepterServerExtension.withDefaults();

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

    @Test
    void theAdminHasACsrIssuedFindsTheCertificateAndRevokesItAndOcspSaysRevoked() throws Exception {
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
        browser.findElement(By.id("signin")).click();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Welcome, admin");
        screenshot("02-home");

        // A request made by openssl, uploaded as a file.
        Path key = work.resolve("browser.key");
        Path csr = work.resolve("browser.csr");
        Command.Result request = Command.run(work, "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-subj", "/CN=browser.example.test", "-addext", "subjectAltName=DNS:browser.example.test", "-out", csr.toString());
        assertThat(request.exitCode()).as(request.toString()).isZero();
        browser.findElement(By.linkText("Submit a CSR")).click();
        screenshot("03-csr");
        browser.findElement(By.id("file")).sendKeys(csr.toAbsolutePath().toString());
        browser.findElement(By.id("submit")).click();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Certificate issued");
        String serial = browser.findElement(By.id("serial")).getText();
        assertThat(browser.findElement(By.id("subject")).getText()).contains("CN=browser.example.test");
        screenshot("04-issued");

        browser.findElement(By.id("download-der")).click();
        Path der = awaitDownload(".cer");
        Path pem = work.resolve("browser.pem");
        Command.Result converted = Command.run(work, "openssl", "x509", "-inform", "DER", "-in", der.toString(), "-out", pem.toString());
        assertThat(converted.exitCode()).as(converted.toString()).isZero();
        Path caPem = server.caCertificatePem(work);
        assertThat(Openssl.verify(work, caPem, pem).exitCode()).isZero();
        assertThat(Openssl.serial(work, pem)).isEqualToIgnoringCase(serial);
        assertThat(Command.run(work, "openssl", "x509", "-in", pem.toString(), "-noout", "-ext", "subjectAltName").stdout())
                .contains("DNS:browser.example.test");
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, pem), pem);

        browser.findElement(By.linkText("Certificates")).click();
        browser.findElement(By.id("q")).sendKeys("browser.example.test");
        browser.findElement(By.id("search")).click();
        WebElement results = browser.findElement(By.id("results"));
        assertThat(results.getText()).contains(serial, "CN=browser.example.test", "Valid");
        screenshot("05-search");

        results.findElement(By.linkText(serial)).click();
        // The live status is OCSP's answer, explained by the core.
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Good");
        assertThat(browser.findElement(By.id("explanation")).getText()).contains("bound to no device or user");
        assertThat(browser.findElement(By.id("history")).getText()).contains(serial);
        screenshot("06-detail");
        String detailUrl = browser.getCurrentUrl();

        // Expiring within ten years without a successor: the new certificate, under its endpoint.
        browser.findElement(By.linkText("Expiring")).click();
        browser.findElement(By.id("days")).clear();
        browser.findElement(By.id("days")).sendKeys("3650");
        browser.findElement(By.id("show")).click();
        assertThat(browser.findElement(By.id("total")).getText()).contains("expire within 3650 days without a successor");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Endpoint api", serial, "CN=browser.example.test (unbound)");
        screenshot("06b-expiring");
        browser.get(detailUrl);
        new Select(browser.findElement(By.id("reason"))).selectByVisibleText("Key compromise");
        browser.findElement(By.id("revoke")).click();
        assertThat(browser.findElement(By.id("message")).getText()).startsWith("Revoked (Key compromise)");
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Revoked");
        assertThat(browser.findElement(By.id("revocation")).getText()).contains("admin through API user");
        assertThat(browser.findElement(By.id("explanation")).getText()).contains("Revoked by hand", "admin through API user", "keyCompromise");
        screenshot("07-revoked");


        OpensslOcsp.assertStatus(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, pem), pem, "revoked", "keyCompromise");

        // Something that is not a CSR: said on the form, nothing issued.
        browser.findElement(By.linkText("Submit a CSR")).click();
        browser.findElement(By.id("pem")).sendKeys("this is not a certification request");
        browser.findElement(By.id("submit")).click();
        assertThat(browser.findElement(By.id("error")).getText()).contains("not a PKCS#10 certification request");
        screenshot("08-not-a-csr");
    }

    @Test
    void theAdminIssuesATlsServerCertificateFromTheFormAndOpensTheDownloadedPkcs12WithTheShownPassword() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.getLong("scepter.startTimeoutSeconds", 60)).toNanos();
        while (server.get("certmaster/signin").statusCode() != 200) {
            assertThat(System.nanoTime()).as("Certificate Master serves in time\n" + server.log()).isLessThan(deadline);
            Thread.sleep(200);
        }
        browser.get(server.url("certmaster/").toString());
        if (browser.getCurrentUrl().endsWith("/certmaster/signin")) {
            String password = Files.readString(server.dataDir().resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
            browser.findElement(By.id("username")).sendKeys("admin");
            browser.findElement(By.id("password")).sendKeys(password);
            browser.findElement(By.id("signin")).click();
        }
        browser.findElement(By.id("form-server")).click();
        browser.findElement(By.id("names")).sendKeys("web.example.test\n*.web.example.test\n192.0.2.10");
        browser.findElement(By.id("clientAuth")).click();
        WebElement lifetime = browser.findElement(By.id("validityDays"));
        lifetime.clear();
        lifetime.sendKeys("90");
        screenshot("10-form-server");
        browser.findElement(By.id("submit")).click();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Certificate issued");
        String password = browser.findElement(By.id("password")).getText();
        String serial = browser.findElement(By.id("serial")).getText();
        assertThat(password).hasSize(24);
        screenshot("11-form-issued");

        // The file is a data: link on the page: the browser saves it without asking the server again.
        browser.findElement(By.id("download-key")).click();
        Path p12 = awaitDownload(".p12");
        Path certificate = work.resolve("form.pem");
        Command.Result opened = Command.run(work, "openssl", "pkcs12", "-in", p12.toString(), "-passin", "pass:" + password, "-nokeys",
                "-clcerts", "-out", certificate.toString());
        assertThat(opened.exitCode()).as(opened.toString()).isZero();
        assertThat(Openssl.serial(work, certificate)).isEqualToIgnoringCase(serial);
        assertThat(Command.run(work, "openssl", "x509", "-in", certificate.toString(), "-noout", "-ext", "subjectAltName,extendedKeyUsage")
                .stdout()).contains("DNS:web.example.test", "DNS:*.web.example.test", "IP Address:192.0.2.10",
                        "TLS Web Server Authentication", "TLS Web Client Authentication");
        Path caPem = server.caCertificatePem(work);
        assertThat(Openssl.verify(work, caPem, certificate).exitCode()).isZero();
        assertThat(Command.run(work, "openssl", "pkcs12", "-in", p12.toString(), "-passin", "pass:wrong-password", "-nokeys").exitCode())
                .isNotZero();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(p12)) {
            store.load(in, password.toCharArray());
        }
        assertThat(store.isKeyEntry(store.aliases().nextElement())).isTrue();
        OpensslOcsp.assertGood(OpensslOcsp.queryCert(work, server.url("ocsp"), caPem, certificate), certificate);
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

    private static void screenshot(String name) throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
