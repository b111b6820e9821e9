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
}
