package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the homepage tells a new admin about the endpoints and the installation: only what is true. */
class HomepageTest {

    /** The homepage's table row whose header starts with {@code header}. */
    static String row(String page, String header) {
        int start = page.indexOf("<th>" + header);
        assertThat(start).as("a row for " + header).isNotNegative();
        return page.substring(start, page.indexOf("</tr>", start));
    }

    @Test
    void theHomepageMayNotBeFramedSniffedOrLoadAnythingButItsOwnStyle() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            java.net.http.HttpResponse<byte[]> response = server.get("/");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue(
                    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            // What the policy would block must not be on the page: it would no longer show as written.
            String page = new String(response.body(), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
            assertThat(page).contains("<style>").doesNotContain("<script", "<img", "<link", "<form", "<iframe", "<object", "src=", "url(");
        }
    }

    @Test
    void theIntuneRowSaysEveryRequestIsRefusedAndIsNotGreen() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            String page = new String(server.get("/").body(), StandardCharsets.UTF_8);
            String intune = row(page, "SCEP /certsrv/mscep/mscep.dll");
            assertThat(intune).doesNotContain("ENABLED").doesNotContain("badge ok")
                    .contains("NOT CONFIGURED", "every PKIOperation gets a CertRep FAILURE", "does not sign in to Microsoft",
                            "scep_challenge_provider");
            // The Intune row's new state must not leak into the endpoints that do work.
            assertThat(row(page, "SCEP /scep ")).contains("badge ok", "ENABLED");
        }
    }

    @Test
    void theEstRowSaysWhereEstIsServedAndHowCallersAuthenticateAsConfigured() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            String est = row(new String(server.get("/").body(), StandardCharsets.UTF_8), "EST");
            assertThat(est).contains("badge ok", "ENABLED", "/.well-known/est/</code>", "/.well-known/est/cacerts\">CA certificates</a>",
                    "a bearer token (CSR.Request.Db or CSR.SelfService)", "AllowRenewals=false")
                    .doesNotContain("HTTP Basic").doesNotContain("client certificate");
        }
        int httpsPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpsPort = socket.getLocalPort();
        }
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:DbCSRValidation:AllowDynamicChallenges", "true",
                "AppConfig:DbCSRValidation:AllowRenewals", "true", "AppConfig:Https:Port", String.valueOf(httpsPort),
                "AppConfig:Https:ClientCertificateMode", "Optional"))) {
            String est = row(new String(server.get("/").body(), StandardCharsets.UTF_8), "EST");
            assertThat(est).contains("ENABLED", "HTTP Basic with a one-time challenge", "a client certificate of ours",
                    "over mutual TLS on port " + httpsPort + " (Static)");
        }
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:DbCSRValidation:Enabled", "false"))) {
            String est = row(new String(server.get("/").body(), StandardCharsets.UTF_8), "EST");
            assertThat(est).contains("DISABLED", "AppConfig:DbCSRValidation:Enabled=true").doesNotContain("badge ok").doesNotContain("/cacerts");
        }
    }

    @Test
    void theHomepageLinksCertificateMasterWhileItIsServedAndSaysWhenItIsNot() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            String page = new String(server.get("/").body(), StandardCharsets.UTF_8);
            assertThat(page).contains("<a href=\"/certmaster/\">").doesNotContain("AppConfig:CertMaster:Enabled is false");
        }
        try (RunningServer server = RunningServer.start(Map.of("AppConfig:CertMaster:Enabled", "false"))) {
            String page = new String(server.get("/").body(), StandardCharsets.UTF_8);
            assertThat(page).doesNotContain("<a href=\"/certmaster/\">").contains("AppConfig:CertMaster:Enabled is false");
        }
    }

    @Test
    void aCompleteInstallationSuggestsNoInstallerRun() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            String page = new String(server.get("/").body(), StandardCharsets.UTF_8);
            // What the installer would print for this folder: nothing to do.
            assertThat(new dev.scepter.installer.local.LocalInstallation(server.dataDir, server.core.settings(), server.core::storage,
                    java.time.Clock.systemUTC(), new java.security.SecureRandom(), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .plan()).isEmpty();
            assertThat(page).doesNotContain("complete-installation").doesNotContain("The installation is incomplete");
        }
    }

    @Test
    void aMissingSettingsFileAndAWidenedKeyStoreAreNamedWithTheCommandThatFixesThem() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            Files.delete(server.dataDir.resolve("appsettings.json"));
            Files.setPosixFilePermissions(server.dataDir.resolve("ca.p12"), PosixFilePermissions.fromString("rw-r--r--"));
            String page = new String(server.get("/").body(), StandardCharsets.UTF_8);
            String configuration = page.substring(page.indexOf("<h2>Configuration</h2>"));
            assertThat(configuration).contains("bin/scepter complete-installation --data-dir " + server.dataDir,
                    "Create appsettings.json", "ca.p12");
        }
    }

    @Test
    void theOcspRespondersOwnCertificatesAreNotCountedAsDevices() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of())) {
            var id = new org.bouncycastle.cert.ocsp.CertificateID(new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder()
                    .build().get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1), server.core.ca().certificate(),
                    java.math.BigInteger.valueOf(42));
            byte[] request = new org.bouncycastle.cert.ocsp.OCSPReqBuilder().addRequest(id).build().getEncoded();
            assertThat(server.post("/ocsp", "application/ocsp-request", request).statusCode()).isEqualTo(200);
            // The first answer made the delegated responder's certificate, and recorded it: no device enrolled.
            long recorded = server.core.storage().certificateStore().count();
            assertThat(recorded).isPositive();

            String storage = row(new String(server.get("/").body(), StandardCharsets.UTF_8), "Storage");
            assertThat(storage).contains("0 device certificate(s)", "and " + recorded + " OCSP responder certificate(s) of this instance")
                    .doesNotContain(recorded + " certificate(s) recorded");
        }
    }
}
