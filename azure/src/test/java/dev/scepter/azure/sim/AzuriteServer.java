package dev.scepter.azure.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Azurite table service (npm {@code azurite}, the Azure Storage emulator) on a free loopback
 * port, for tests: not a simulator of ours, Microsoft's own emulator, run as a child process and
 * stopped after. {@code bin/test} installs it into {@code .cache/azurite} and hands its
 * {@code azurite-table} to the tests as the system property {@value #BINARY_PROPERTY}; without it
 * the fixture looks in that folder, and fails naming {@code bin/test} when it is not there.
 */
public final class AzuriteServer implements AutoCloseable {

    public static final String BINARY_PROPERTY = "scepter.azurite.table";

    /** Azurite's well-known development account (its README): a published key, no secret. */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path workspace;
    private final int port;
    private final boolean inMemory;
    /** Azurite's certificate and key (PEM) for HTTPS with OAuth, which Azurite takes only on HTTPS; null for HTTP. */
    private final Path[] tls;
    private Process process;

    private AzuriteServer(Path workspace, int port, boolean inMemory, Path... tls) {
        this.workspace = workspace;
        this.port = port;
        this.inMemory = inMemory;
        this.tls = tls.length == 2 ? tls : null;
    }

    /**
     * Starts Azurite in memory on HTTPS with this certificate and key (PEM), checking bearer tokens
     * as Azure does in its basic way ({@code --oauth basic}: issuer, audience and lifetime; no
     * signature), for the table endpoint reached with a Microsoft sign-in.
     */
    public static AzuriteServer startWithOAuth(Path workspace, Path certificatePem, Path keyPem) {
        AzuriteServer server = new AzuriteServer(workspace, freePort(), true, certificatePem, keyPem);
        server.start();
        return server;
    }

    /** Starts Azurite keeping its data in memory: fast, and gone when it stops. */
    public static AzuriteServer startInMemory(Path workspace) {
        AzuriteServer server = new AzuriteServer(workspace, freePort(), true);
        server.start();
        return server;
    }

    /** Starts Azurite keeping its data in the workspace folder, so that a {@link #restart()} finds it again. */
    public static AzuriteServer startOnDisk(Path workspace) {
        AzuriteServer server = new AzuriteServer(workspace, freePort(), false);
        server.start();
        return server;
    }

    /** The connection string for the development account on this server. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=" + (tls != null ? "https" : "http") + ";AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY + ";TableEndpoint="
                + tableEndpoint() + ";";
    }

    /** The account's table endpoint, path-style as Azurite serves it. */
    public String tableEndpoint() {
        return (tls != null ? "https" : "http") + "://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public int port() {
        return port;
    }

    /** Stops the process (an outage, as the store's clients see it); {@link #restart()} brings it back on the same port. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void start() {
        Path binary = binary();
        try {
            Files.createDirectories(workspace);
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--tableHost", "127.0.0.1", "--tablePort",
                    Integer.toString(port), "--silent", "--disableTelemetry", "--skipApiVersionCheck"));
            // Azurite takes one or the other; the working directory holds its debug files either way.
            command.addAll(inMemory ? List.of("--inMemoryPersistence") : List.of("--location", workspace.toString()));
            if (tls != null) {
                command.addAll(List.of("--oauth", "basic", "--cert", tls[0].toString(), "--key", tls[1].toString()));
            }
            Path log = workspace.resolve("azurite.log");
            process = new ProcessBuilder(command).directory(workspace.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!listening()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Azurite stopped at once (exit " + process.exitValue() + "): "
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                if (Instant.now().isAfter(deadline)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("Azurite did not listen on port " + port + " within " + START_TIMEOUT);
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Azurite (" + binary + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Azurite started", e);
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The {@code azurite-table} that bin/test installed. */
    static Path binary() {
        Optional<Path> configured = Optional.ofNullable(System.getProperty(BINARY_PROPERTY)).filter(p -> !p.isBlank()).map(Path::of);
        Path found = configured.orElseGet(() -> {
            // Run from an IDE or plain Maven: the project's own folder, wherever the module is.
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(".cache/azurite/node_modules/.bin/azurite-table");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
            return Path.of(".cache/azurite/node_modules/.bin/azurite-table");
        });
        if (!Files.isExecutable(found)) {
            throw new IllegalStateException("Azurite's azurite-table is not at " + found.toAbsolutePath()
                    + ": run bin/test once (it installs azurite@3.35.0 into .cache/azurite), or set -D" + BINARY_PROPERTY);
        }
        return found;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
