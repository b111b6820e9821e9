package dev.scepter.certmaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** The portal as a context of its own in a running Tomcat, as the core mounts it. */
class CertMasterMountTest {

    @TempDir
    Path dataDir;
    private Tomcat tomcat;
    private Path clientFile;

    @BeforeEach
    void startTomcat() throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(dataDir.resolve("tomcat")).toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector();
        tomcat.start();
        clientFile = Files.writeString(dataDir.resolve("certmaster-client.json"), "{\"name\":\"certmaster\",\"token\":\"t\"}");
    }

    @AfterEach
    void stopTomcat() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    @Test
    void mountedItServesItsSignInPageUnderCertmaster() throws Exception {
        ConfigurableApplicationContext portal = CertMasterMount.mount(tomcat.getHost(),
                new CertMasterOptions(URI.create("http://127.0.0.1:1/"), clientFile, dataDir));
        assertThat(portal.isActive()).isTrue();
        HttpResponse<String> signIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + tomcat.getConnector().getLocalPort() + "/certmaster/signin")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.body()).contains("name=\"password\"");
    }

    @Test
    void aPortalThatCannotStartSaysWhyAndLeavesNoContextBehind() throws Exception {
        Files.writeString(dataDir.resolve("certmaster-users.json"), "{\"users\": [{\"name\": \"x\"", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CertMasterMount.mount(tomcat.getHost(),
                new CertMasterOptions(URI.create("http://127.0.0.1:1/"), clientFile, dataDir)))
                .hasStackTraceContaining("certmaster-users.json is not JSON");
        assertThat(tomcat.getHost().findChild("/certmaster")).isNull();
    }

    @Test
    void aPortalThatCannotStartLeavesTheCoresLoggingAsItWas() throws Exception {
        // As in the core: its System.Logger lines reach the log through java.util.logging's bridge to SLF4J.
        // Put back as found afterwards: later tests in this JVM run with the JUL set-up they expect.
        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        java.util.logging.Handler[] julHandlers = julRoot.getHandlers();
        boolean bridged = org.slf4j.bridge.SLF4JBridgeHandler.isInstalled();
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        ch.qos.logback.classic.Logger core = ((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory())
                .getLogger("dev.scepter.test.core");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        core.addAppender(log);
        try {
            Files.writeString(dataDir.resolve("certmaster-users.json"), "{\"users\": [", StandardCharsets.UTF_8);
            assertThatThrownBy(() -> CertMasterMount.mount(tomcat.getHost(),
                    new CertMasterOptions(URI.create("http://127.0.0.1:1/"), clientFile, dataDir)));

            System.getLogger("dev.scepter.test.core").log(System.Logger.Level.WARNING, "Issued a certificate after the portal failed");

            assertThat(log.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .contains("Issued a certificate after the portal failed");
        } finally {
            core.detachAppender(log);
            for (java.util.logging.Handler handler : julRoot.getHandlers()) {
                julRoot.removeHandler(handler);
            }
            for (java.util.logging.Handler handler : julHandlers) {
                julRoot.addHandler(handler);
            }
            assertThat(org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()).isEqualTo(bridged);
        }
    }

    /** Mounted, the portal has no logging of its own (the core's stands): its lines must still reach the core's Logback. */
    @Test
    void mountedThePortalsOwnLogLinesReachTheCoresLog() throws Exception {
        ch.qos.logback.classic.Logger audit = ((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory())
                .getLogger("dev.scepter.certmaster.audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        audit.addAppender(log);
        ConfigurableApplicationContext portal = CertMasterMount.mount(tomcat.getHost(),
                new CertMasterOptions(URI.create("http://127.0.0.1:1/"), clientFile, dataDir));
        try {
            String base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/certmaster";
            OidcSignInTest.Client browser = new OidcSignInTest.Client();
            String csrf = browser.csrf(base + "/signin");
            HttpResponse<String> refused = browser.post(base + "/signin",
                    java.util.Map.of("username", "mallory", "password", "wrong", "_csrf", csrf));
            assertThat(refused.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/signin?error"));
            assertThat(log.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).startsWith("sign-in refused: user=mallory via=password"));
        } finally {
            portal.close();
            audit.detachAppender(log);
        }
    }
}
