package dev.scepter.certmaster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Certificate Master run alone on a free loopback port, against a {@link CoreSimulator}, with a temporary data folder. */
final class RunningPortal implements AutoCloseable {

    /** Accounts beside the generated admin ({noop}: the tests sign in often; the admin's hash is bcrypt). */
    static final String TEST_USERS = """
            {"users": [
              {"name": "reader", "password": "{noop}reader-password", "roles": ["Manage.All.Read"]},
              {"name": "requester", "password": "{noop}requester-password", "roles": ["Request.All.Csr"]},
              {"name": "nobody", "password": "{noop}nobody-password", "roles": []},
              {"name": "server-former", "password": "{noop}server-former-password", "roles": ["Request.Server.Form"]},
              {"name": "server-csr", "password": "{noop}server-csr-password", "roles": ["Request.Server.Csr"]},
              {"name": "guesser", "password": "{noop}guesser-password", "roles": ["Admin.Full"]}
            ]}""";

    final CoreSimulator core;
    final Path dataDir;
    final ConfigurableApplicationContext context;

    private RunningPortal(CoreSimulator core, Path dataDir, ConfigurableApplicationContext context) {
        this.core = core;
        this.dataDir = dataDir;
        this.context = context;
    }

    /** With only the admin account the first start makes. */
    static RunningPortal start() throws Exception {
        return start(null);
    }

    static RunningPortal start(String users) throws Exception {
        return start(users, false);
    }

    static RunningPortal start(String users, boolean trustForwardedHeaders) throws Exception {
        return start(users, trustForwardedHeaders, java.util.Optional.empty(), true);
    }

    static RunningPortal start(String users, boolean trustForwardedHeaders, java.util.Optional<OidcOptions> oidc, boolean localAccounts)
            throws Exception {
        CoreSimulator core = new CoreSimulator();
        Path dataDir = Files.createTempDirectory("certmaster-test");
        Path clientFile = dataDir.resolve("certmaster-client.json");
        Files.writeString(clientFile, "{\"name\":\"certmaster\",\"token\":\"portal-secret-token\",\"roles\":[\"CSR.Request\",\"Manage.All\"]}",
                StandardCharsets.UTF_8);
        if (users != null) {
            Files.writeString(dataDir.resolve("certmaster-users.json"), users, StandardCharsets.UTF_8);
        }
        ConfigurableApplicationContext context = CertMasterApplication.runAlone(new CertMasterOptions(core.url(), clientFile, dataDir, trustForwardedHeaders, oidc,
                localAccounts),
                "127.0.0.1", 0);
        return new RunningPortal(core, dataDir, context);
    }

    String base() {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + CertMasterOptions.CONTEXT_PATH;
    }

    Browser browser() {
        return new Browser(base());
    }

    String adminPassword() throws Exception {
        return Files.readString(dataDir.resolve("certmaster-admin-password"), StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() {
        context.close();
        core.close();
    }
}
