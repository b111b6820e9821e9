package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.server.launcher.CertMasterCommand;
import dev.scepter.server.launcher.ScepterCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bin/scepter certmaster}: the portal alone, in front of a core it reaches by URL. */
class CertMasterCommandTest {

    private record Run(int exit, String out, String err) {
    }

    @Test
    void helpNamesTheCoreUrlAndTheClientFile() {
        Run help = run(new CertMasterCommand(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--core-url", "--client-file", "--data-dir", "--port", "certmaster-client.json");
        assertThat(run(new ScepterCommand(), "--help").out()).contains("certmaster");
    }

    @Test
    void aMissingClientFileOrABadUrlIsSaidInOneLine(@TempDir Path folder) {
        Run missing = run(new CertMasterCommand(), "--core-url", "http://127.0.0.1:1/", "--client-file", folder.resolve("none.json").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read --client-file").contains("none.json");
        Run relative = run(new CertMasterCommand(), "--core-url", "ca.example.com", "--client-file", folder.toString());
        assertThat(relative.exit()).isEqualTo(2);
        assertThat(relative.err()).contains("--core-url must be an http or https URL");
    }

    @Test
    void plainHttpToAnotherMachineIsRefusedForItWouldSendTheTokenInCleartext(@TempDir Path folder) throws Exception {
        Path clientFile = Files.writeString(folder.resolve("certmaster-client.json"), "{}");
        Run remote = run(new CertMasterCommand(), "--core-url", "http://ca.example.test/", "--client-file", clientFile.toString());
        assertThat(remote.exit()).isEqualTo(2);
        assertThat(remote.err()).contains("--core-url http://ca.example.test/", "cleartext", "https");
        Run address = run(new CertMasterCommand(), "--core-url", "http://192.0.2.10:8080/", "--client-file", clientFile.toString());
        assertThat(address.exit()).isEqualTo(2);
        assertThat(address.err()).contains("--core-url");
        // A name that merely starts like loopback is not loopback.
        Run lookalike = run(new CertMasterCommand(), "--core-url", "http://127.0.0.1.example.test/", "--client-file", clientFile.toString());
        assertThat(lookalike.exit()).isEqualTo(2);
        assertThat(lookalike.err()).contains("cleartext");
    }

    @Test
    void oidcOptionsComeTogetherAndTheSecretNeverOnTheCommandLine(@TempDir Path folder) throws Exception {
        Path clientFile = Files.writeString(folder.resolve("certmaster-client.json"), "{}");
        String[] base = {"--core-url", "http://127.0.0.1:1/", "--client-file", clientFile.toString()};
        Run alone = run(new CertMasterCommand(), concat(base, "--no-local-accounts"));
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).contains("--no-local-accounts needs --oidc-issuer");
        Run noClient = run(new CertMasterCommand(), concat(base, "--oidc-issuer", "https://idp.example.test/"));
        assertThat(noClient.exit()).isEqualTo(2);
        assertThat(noClient.err()).contains("--oidc-issuer needs --oidc-client-id");
        // Without an issuer the timeout would bound nothing: refused, as AppConfig:CertMaster:Oidc:TimeoutSeconds is beside the core.
        Run timeoutAlone = run(new CertMasterCommand(), concat(base, "--oidc-timeout-seconds", "5"));
        assertThat(timeoutAlone.exit()).isEqualTo(2);
        assertThat(timeoutAlone.err()).contains("--oidc-timeout-seconds").contains("need --oidc-issuer");
        for (String outOfRange : new String[] {"0", "31"}) {
            Run bad = run(new CertMasterCommand(), concat(base, "--oidc-timeout-seconds", outOfRange));
            assertThat(bad.exit()).as(outOfRange).isEqualTo(2);
            assertThat(bad.err()).contains("--oidc-timeout-seconds must be 1 to 30, not " + outOfRange);
        }
        Run noFile = run(new CertMasterCommand(), concat(base, "--oidc-issuer", "https://idp.example.test/", "--oidc-client-id", "c",
                "--oidc-client-secret-file", folder.resolve("none").toString()));
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("cannot read --oidc-client-secret-file");
        Path secret = Files.writeString(folder.resolve("secret"), "s3cret-value\n");
        Run cleartext = run(new CertMasterCommand(), concat(base, "--oidc-issuer", "http://idp.example.test/", "--oidc-client-id", "c",
                "--oidc-client-secret-file", secret.toString()));
        assertThat(cleartext.exit()).isEqualTo(2);
        assertThat(cleartext.err()).contains("https").doesNotContain("s3cret-value");
        assertThat(run(new CertMasterCommand(), "--help").out()).contains("--oidc-issuer", "signin-oidc", CertMasterCommand.CLIENT_SECRET_VARIABLE);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void loopbackIsKnownByItsNameOrLiteral() {
        assertThat(CertMasterCommand.loopback("localhost")).isTrue();
        assertThat(CertMasterCommand.loopback("127.0.0.1")).isTrue();
        assertThat(CertMasterCommand.loopback("127.1.2.3")).isTrue();
        assertThat(CertMasterCommand.loopback("[::1]")).isTrue();
        assertThat(CertMasterCommand.loopback("128.0.0.1")).isFalse();
        assertThat(CertMasterCommand.loopback("ca.example.test")).isFalse();
        assertThat(CertMasterCommand.loopback(null)).isFalse();
    }

    @Test
    void aloneItSignsInItsAdminAndSearchesTheCoreByUrl(@TempDir Path portalFolder) throws Exception {
        try (RunningServer core = RunningServer.start(Map.of()).awaitCertMaster()) {
            Path clientFile = portalFolder.resolve("certmaster-client.json");
            Files.copy(core.dataDir.resolve("certmaster-client.json"), clientFile);
            CertMasterCommand command = new CertMasterCommand();
            Run started = run(command, "--core-url", core.url("/").toString(), "--client-file", clientFile.toString(),
                    "--host", "127.0.0.1", "--port", "0");
            try {
                assertThat(started.exit()).as(started.err()).isZero();
                Matcher ready = Pattern.compile("Certificate Master ready: (http://127\\.0\\.0\\.1:\\d+/certmaster/)").matcher(started.out());
                assertThat(ready.find()).as(started.out()).isTrue();
                // Its accounts live in its own folder (the client file's), not the core's.
                assertThat(portalFolder.resolve("certmaster-admin-password")).exists();
                HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
                String base = ready.group(1);
                HttpResponse<String> signInPage = http.send(HttpRequest.newBuilder(URI.create(base + "signin")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(signInPage.body());
                assertThat(csrf.find()).isTrue();
                String password = Files.readString(portalFolder.resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
                String form = "username=admin&password=" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
                http.send(HttpRequest.newBuilder(URI.create(base + "signin")).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
                // The search goes to the core with the portal's token: an empty CA answers with no certificate, not an error.
                HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create(base + "certificates")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
                assertThat(search.body()).contains("No certificate matches.");
            } finally {
                command.running().ifPresent(context -> {
                    java.io.File tomcatBase = RunningServer.tomcatBase(context);
                    context.close();
                    RunningServer.removeTomcatBase(tomcatBase);
                });
            }
        }
    }

    private static Run run(Object command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine commandLine = new CommandLine(command);
            exit = commandLine.execute(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
