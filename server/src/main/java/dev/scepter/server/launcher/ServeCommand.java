package dev.scepter.server.launcher;

import dev.scepter.authority.directory.Directory;
import dev.scepter.authority.store.Storage;
import dev.scepter.azure.keyvault.KeyVaultAccess;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignIn;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.KeyCustodyFactory;
import dev.scepter.installer.StorageFactory;
import dev.scepter.installer.local.LocalInstallation;
import dev.scepter.keys.KeyCustody;
import dev.scepter.protocol.crypto.CryptoProviders;
import dev.scepter.server.CoreContext;
import dev.scepter.server.DirectoryFactory;
import dev.scepter.server.ScepterServer;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.InvalidSettingException;
import dev.scepter.settings.ScepterSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.springframework.boot.web.server.PortInUseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the core service: SCEP, OCSP, CRL, the REST API, the homepage, probe and metrics, and Certificate Master at /certmaster/.",
            "On an empty or incomplete data folder it first completes the local installation (as complete-installation --target local)."})
public final class ServeCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(ServeCommand.class.getName());

    @Mixin
    DataDirOptions data;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "The plain HTTP port (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    /** Held for the life of the process: the data folder is this process's to serve. */
    private static ServeLock lock;

    @Override
    public Integer call() {
        ScepterSettings settings;
        try {
            settings = data.settings();
        } catch (InvalidSettingException e) {
            System.err.println("Scepter cannot start. " + e.getMessage());
            return 2;
        }
        // A SCEPman configuration starts as it is; what Scepter does not honour is said, not fatal.
        settings.ignored().forEach(ignored -> LOG.log(System.Logger.Level.WARNING,
                "Ignoring setting {0} (from {1}): {2}", ignored.name(), ignored.source(),
                ignored.known() ? "a SCEPman setting this version does not use" : "no such setting"));
        try {
            Optional<ServeLock> acquired = ServeLock.acquire(data.dataDir());
            if (acquired.isEmpty()) {
                System.err.println("Scepter cannot start: another Scepter serves the data folder " + data.dataDir() + " ("
                        + ServeLock.holder(data.dataDir()) + "). Stop it first, or give this one a data folder of its own "
                        + "(--data-dir); several nodes share a PostgreSQL database, each with its own data folder (docs/operations.md).");
                return 1;
            }
            lock = acquired.get();
        } catch (IOException e) {
            System.err.println("Scepter cannot start: cannot lock the data folder " + data.dataDir() + ": " + e.getMessage());
            return 1;
        }
        // Loading the native crypto provider takes a second or more: it does so beside the start,
        // and the JDK and BouncyCastle sign until it is ready (docs/performance.md, "Which provider does what").
        CryptoProviders.selectInBackground(settings.crypto().nativeProvider());
        Memoized<AccessTokens> signIn = new Memoized<>(() -> SignIn.open(settings, Clock.systemUTC()));
        Memoized<Storage> storage = new Memoized<>(() -> StorageFactory.open(data.dataDir(), settings, signIn));
        try {
            SecureRandom random = new SecureRandom();
            // One sign-in per process: Key Vault (the CA key), Table Storage, Graph and Intune share its credential and token cache.
            AccessTokens accessTokens = signIn.get();
            Supplier<KeyVaultAccess> vault = KeyCustodyFactory.signedIn(accessTokens);
            // Secrets are shown on a terminal only: a service's standard output ends in a log.
            LocalInstallation installation = new LocalInstallation(data.dataDir(), settings, storage, Clock.systemUTC(), random, System.out,
                    Terminal.attached(), vault);
            if (!installation.plan().isEmpty()) {
                installation.complete(false);
            }
            KeyCustody keys = KeyCustodyFactory.open(settings, data.dataDir(), vault);
            try {
                int listenPort = port == 0 ? freePort(host) : port;
                DirectoryFactory.refuseUnchosenSwitchToGraph(settings.directory(), () -> storage.get().embeddedDirectory());
                Optional<Directory> directory = DirectoryFactory.openExternal(settings, accessTokens);
                CoreContext core = new CoreContext(data.dataDir(), settings, storage.get(), keys, host, listenPort, directory, accessTokens);
                lock.describe("pid " + ProcessHandle.current().pid() + ", " + core.localUrl() + ", since " + java.time.Instant.now());
                ScepterServer.start(core);
            } catch (RuntimeException | IOException e) {
                // The server did not start: a PKCS#11 token's login is released (a started server closes it when it stops).
                keys.close();
                throw e;
            }
            return 0;
        } catch (InstallationException e) {
            System.err.println("Scepter cannot start: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            Optional<PortInUseException> portInUse = cause(e, PortInUseException.class);
            System.err.println("Scepter cannot start: " + (portInUse.isPresent() ? portInUse(portInUse.get().getPort(), settings) : e.getMessage()));
            return 1;
        } catch (IOException | java.security.GeneralSecurityException e) {
            System.err.println("Scepter cannot start: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Spring's own words for a taken port end in "Failed to start bean 'webServerStartStop'": say
     * which port, on which address, and the option or setting that chooses another.
     */
    private String portInUse(int inUse, ScepterSettings settings) {
        boolean https = settings.web().httpsPort().filter(p -> p == inUse).isPresent() && inUse != port;
        String example = freeNear(inUse).map(free -> "for example --port " + free + ", which is free now; ").orElse("");
        return "port " + inUse + " on " + host + " is in use by another program. Stop that program, or choose another port "
                + (https ? "for HTTPS with the setting AppConfig:Https:Port." : "with --port (" + example + "--port 0 picks a free one).");
    }

    /** A port after {@code inUse} that is free on the listening address now, to suggest one that works. */
    private Optional<Integer> freeNear(int inUse) {
        for (int candidate = inUse + 1; candidate <= Math.min(65535, inUse + 20); candidate++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), candidate));
                return Optional.of(candidate);
            } catch (IOException taken) {
                // try the next one
            }
        }
        return Optional.empty();
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    /** --port 0: the port is chosen here so that AIA URLs and the ready line can name it. */
    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        }
    }
}
