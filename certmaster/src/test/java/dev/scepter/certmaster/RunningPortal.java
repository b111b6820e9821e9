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
    /** Known while the portal runs: a closed context no longer has its web server. */
    private final java.io.File tomcatBase;

    private RunningPortal(CoreSimulator core, Path dataDir, ConfigurableApplicationContext context) {
        this.core = core;
        this.dataDir = dataDir;
        this.context = context;
        this.tomcatBase = tomcatBase(context);
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

    /** Stops the portal, then removes its data folder and the base folder Spring Boot made for its Tomcat. */
    @Override
    public void close() {
        try {
            context.close();
        } finally {
            try {
                core.close();
            } finally {
                deleteRecursively(dataDir);
                removeTomcatBase(tomcatBase);
            }
        }
    }

    /**
     * Removes the base folder Spring Boot made for a Tomcat, only if it is one of its own
     * ({@code tomcat.*} in the temporary folder): were {@code server.tomcat.basedir} ever set, the
     * folder it names is not a test's to delete.
     */
    static void removeTomcatBase(java.io.File base) {
        if (base == null) {
            return;
        }
        try {
            Path real = base.toPath().toRealPath();
            Path temporary = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
            if (real.getParent() != null && real.getParent().equals(temporary) && real.getFileName().toString().startsWith("tomcat.")) {
                deleteRecursively(real);
            } else {
                System.err.println("RunningPortal: left Tomcat's base folder " + real + ": not a tomcat.* folder in " + temporary);
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // Nothing to remove.
        } catch (java.io.IOException e) {
            System.err.println("RunningPortal: could not resolve " + base + ": " + e);
        }
    }

    /** The base folder of a portal's own Tomcat, which Spring Boot makes under the temporary folder and leaves there. */
    static java.io.File tomcatBase(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer() instanceof org.springframework.boot.tomcat.TomcatWebServer tomcat
                ? tomcat.getTomcat().getServer().getCatalinaBase() : null;
    }

    static void deleteRecursively(Path folder) {
        try {
            org.springframework.util.FileSystemUtils.deleteRecursively(folder);
        } catch (java.io.IOException e) {
            System.err.println("RunningPortal: could not remove " + folder + ": " + e);
        }
    }
}
