package dev.scepter.server;

import dev.scepter.authority.store.Storage;
import dev.scepter.installer.KeyCustodyFactory;
import dev.scepter.installer.StorageFactory;
import dev.scepter.installer.local.LocalInstallation;
import dev.scepter.keys.KeyCustody;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** The core, installed in a temporary data folder and started in this JVM on a free loopback port. */
final class RunningServer implements AutoCloseable {

    final Path dataDir;
    /** Whether this server made its data folder, and so removes it when closed (another node or a restart does not). */
    private final boolean ownsDataDir;
    final CoreContext core;
    final ConfigurableApplicationContext context;
    final String installerOutput;
    /** Known while the core runs: a closed context no longer has its web server. */
    private final java.io.File tomcatBase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningServer(Path dataDir, boolean ownsDataDir, CoreContext core, ConfigurableApplicationContext context, String installerOutput) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.core = core;
        this.context = context;
        this.installerOutput = installerOutput;
        this.tomcatBase = tomcatBase(context);
    }

    /** The base folder of this core's Tomcat, as it was while the core ran. */
    java.io.File tomcatBase() {
        return tomcatBase;
    }

    /** The base folder of a running context's Tomcat (null for another web server). */
    static java.io.File tomcatBase(ConfigurableApplicationContext context) {
        return ((org.springframework.boot.web.server.context.WebServerApplicationContext) context).getWebServer()
                instanceof org.springframework.boot.tomcat.TomcatWebServer tomcat ? tomcat.getTomcat().getServer().getCatalinaBase() : null;
    }

    static RunningServer start(Map<String, String> extraSettings) throws Exception {
        return start(extraSettings, null, null);
    }

    /** A core that signs in to Microsoft's cloud with {@code accessTokens} (null: as its settings say). */
    static RunningServer start(Map<String, String> extraSettings, dev.scepter.azure.signin.AccessTokens accessTokens) throws Exception {
        return start(extraSettings, accessTokens, null);
    }

    /**
     * @param tokens how the core signs in to Microsoft's cloud; null: as its settings say
     * @param tls    whom its Graph client trusts (a simulator's certificate); null: the JDK's default
     */
    static RunningServer start(Map<String, String> extraSettings, dev.scepter.azure.signin.AccessTokens tokens, javax.net.ssl.SSLContext tls)
            throws Exception {
        return start(extraSettings, tokens, tls, null);
    }

    /**
     * @param vault how the CA key's Azure Key Vault is reached (a simulator's access), for settings that put the key there;
     *              null: the core's own sign-in and the JDK's trust, as the server does
     */
    static RunningServer start(Map<String, String> extraSettings, dev.scepter.azure.signin.AccessTokens tokens, javax.net.ssl.SSLContext tls,
            java.util.function.Supplier<dev.scepter.azure.keyvault.KeyVaultAccess> vault) throws Exception {
        return start(Files.createTempDirectory("scepter-server-test"), true, extraSettings, tokens, tls, vault);
    }

    /**
     * Another node of this one's installation: the same data folder (so the same CA key and the same
     * embedded database, which H2 shares between the two), its own port and Spring context. Also a
     * restart, after this one is closed. It leaves the folder in place when closed: the folder is the
     * first node's, or, for a restart, the test's own (a {@code @TempDir}), since the first node removes
     * the folder it made when it is closed.
     */
    static RunningServer sameInstallation(Path dataDir, Map<String, String> extraSettings) throws Exception {
        return start(dataDir, false, extraSettings, null, null, null);
    }

    private static RunningServer start(Path dataDir, boolean ownsDataDir, Map<String, String> extraSettings, dev.scepter.azure.signin.AccessTokens tokens,
            javax.net.ssl.SSLContext tls, java.util.function.Supplier<dev.scepter.azure.keyvault.KeyVaultAccess> vault) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("AppConfig:KeyVaultConfig:RootCertificateConfig:KeySize", "2048");
        values.putAll(extraSettings);
        ScepterSettings settings = ScepterSettings.bind(RawSettings.of(values));
        // As ServeCommand chooses (there in the background): the tests sign with what a server would, the native provider by default.
        dev.scepter.protocol.crypto.CryptoProviders.use(dev.scepter.protocol.crypto.CryptoProviders.select(settings.crypto().nativeProvider()));
        Storage storage = StorageFactory.open(dataDir, settings.store());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // One sign-in, as ServeCommand has: the installation and the custody reach Key Vault with it.
        dev.scepter.azure.signin.AccessTokens signIn = tokens != null ? tokens : dev.scepter.azure.signin.SignIn.open(settings, Clock.systemUTC());
        java.util.function.Supplier<dev.scepter.azure.keyvault.KeyVaultAccess> keyVault = vault != null ? vault : KeyCustodyFactory.signedIn(signIn);
        new LocalInstallation(dataDir, settings, () -> storage, Clock.systemUTC(), new SecureRandom(), new PrintStream(out, true), false, keyVault)
                .complete(false);
        KeyCustody keys = KeyCustodyFactory.open(settings, dataDir, keyVault);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        CoreContext core = new CoreContext(dataDir, settings, storage, keys, "127.0.0.1", port,
                tls != null ? DirectoryFactory.openExternal(settings, signIn, tls) : DirectoryFactory.openExternal(settings, signIn), signIn);
        return new RunningServer(dataDir, ownsDataDir, core, ScepterServer.start(core), out.toString());
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + core.port() + pathAndQuery);
    }

    HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(url(pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String pathAndQuery, String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(url(pathAndQuery)).header(header, value).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String pathAndQuery, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(pathAndQuery)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    String text(String pathAndQuery) throws Exception {
        return new String(get(pathAndQuery).body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The CA's subject as the store keys issued certificates by it. */
    String issuerName() {
        return org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.toString(core.ca().certificate().getSubject());
    }

    /** How many certificates the store holds from {@code endpoint} (of the first 1,000, valid or not). */
    long recordsOf(String endpoint) {
        return core.storage().certificateStore().search(issuerName(), new dev.scepter.authority.store.SearchQuery(java.util.Optional.empty(),
                        dev.scepter.authority.store.SearchQuery.Validity.ANY, java.time.Instant.now(), 1000, java.util.Optional.empty(),
                        java.util.Set.of()))
                .items().stream().filter(record -> record.endpoint().equals(endpoint)).count();
    }

    /** Waits until Certificate Master, which starts after the core is ready, serves its sign-in page. */
    RunningServer awaitCertMaster() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (get("/certmaster/signin").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Certificate Master did not start within 60 s");
            }
            Thread.sleep(200);
        }
        return this;
    }

    /** Stops the core, then removes its data folder (it holds a CA key and the admin token). */
    @Override
    public void close() {
        try {
            context.close();
        } finally {
            core.storage().close();
            if (ownsDataDir) {
                deleteRecursively(dataDir);
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
                System.err.println("RunningServer: left Tomcat's base folder " + real + ": not a tomcat.* folder in " + temporary);
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // Nothing to remove.
        } catch (java.io.IOException e) {
            System.err.println("RunningServer: could not resolve " + base + ": " + e);
        }
    }

    private static void deleteRecursively(Path folder) {
        try {
            org.springframework.util.FileSystemUtils.deleteRecursively(folder);
        } catch (java.io.IOException e) {
            System.err.println("RunningServer: could not remove " + folder + ": " + e);
        }
    }
}
