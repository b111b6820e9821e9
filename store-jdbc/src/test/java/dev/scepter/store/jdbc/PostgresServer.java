package dev.scepter.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests, started from Debian's binaries
 * ({@code /usr/lib/postgresql/<newest>/bin}, or the folder in the system property
 * {@code scepter.postgresql.bin}) as a process: a new cluster in a temporary folder, listening
 * on a free port on 127.0.0.1 only, with a database and a user with a password. PostgreSQL
 * refuses to run as root, so under root the folder is given to the {@code postgres} user and the
 * server runs through {@code runuser}. {@link #close()} stops it at once and deletes the folder.
 *
 * <pre>{@code
 * try (PostgresServer server = PostgresServer.start()) {
 *     JdbcStorage.connect(server.jdbcUrl(), server.user(), server.password());
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {

    /** The database and user that {@link #start()} creates. */
    public static final String DATABASE = "scepter";
    public static final String USER = "scepter";

    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final String SUPERUSER = "postgres";
    private static final String OS_USER = "postgres";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Path bin;
    private final Path folder;
    private final Path dataDir;
    private final boolean asPostgresUser;
    private final int port;
    private final String superuserPassword;
    private final String password;
    private final Thread shutdownHook;
    private boolean closed;

    private PostgresServer(Path bin, Path folder, boolean asPostgresUser, int port, String superuserPassword, String password) {
        this.bin = bin;
        this.folder = folder;
        this.dataDir = folder.resolve("data");
        this.asPostgresUser = asPostgresUser;
        this.port = port;
        this.superuserPassword = superuserPassword;
        this.password = password;
        this.shutdownHook = new Thread(this::stopQuietly, "postgres-test-server-stop");
    }

    /**
     * Creates a cluster, starts it and creates {@value #DATABASE} owned by {@value #USER}.
     *
     * @throws IllegalStateException when PostgreSQL's binaries are missing or the server does not start
     */
    public static PostgresServer start() {
        Path bin = findBinaries();
        SecureRandom random = new SecureRandom();
        IllegalStateException failure = null;
        // The free port is found before the server binds it; another process may take it first.
        for (int attempt = 1; attempt <= 3; attempt++) {
            PostgresServer server = new PostgresServer(bin, newFolder(), isRoot(), freePort(),
                    randomSecret(random), randomSecret(random));
            try {
                server.initialize();
                server.startServer();
                server.createUserAndDatabase();
                return server;
            } catch (IllegalStateException e) {
                server.close();
                failure = e;
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
        }
        throw failure;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/scepter}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** The PostgreSQL version the server runs, such as {@code 15}. */
    public String version() {
        return bin.getParent().getFileName().toString();
    }

    /**
     * Creates another empty database owned by {@link #user()}, for a test that wants a store of
     * its own; returns its JDBC URL.
     */
    public String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        execute(jdbcUrl("postgres"), SUPERUSER, superuserPassword, "create database " + name + " owner " + USER);
        return jdbcUrl(name);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down, or the hook was never added: nothing to remove
        }
        try {
            stopQuietly();
        } finally {
            deleteRecursively(folder);
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + version() + " on 127.0.0.1:" + port + ", " + folder + "]";
    }

    // --- setting up ---------------------------------------------------------------------------

    private void initialize() {
        Path passwordFile = folder.resolve("superuser-password");
        try {
            Files.writeString(passwordFile, superuserPassword + "\n", StandardCharsets.UTF_8);
            if (asPostgresUser) {
                UserPrincipal postgres = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
                Files.setOwner(folder, postgres);
                Files.setOwner(passwordFile, postgres);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + folder + " for the test PostgreSQL server"
                    + (asPostgresUser ? " (is there a '" + OS_USER + "' user?)" : ""), e);
        }
        run("initdb", List.of("-D", dataDir.toString(), "-U", SUPERUSER, "--pwfile=" + passwordFile,
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"));
    }

    /**
     * Stops the server process at once, keeping its data, as an outage does (clients' connections
     * break); {@link #startAgain()} brings it back on the same port.
     */
    public void stopServer() {
        run("pg_ctl", List.of("-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
    }

    /** Starts the server stopped by {@link #stopServer()} again, on the same port with the same data. */
    public void startAgain() {
        runServer();
    }

    private void startServer() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        runServer();
    }

    private void runServer() {
        String options = "-c listen_addresses=127.0.0.1 -p " + port + " -k " + folder
                + " -c fsync=off -c full_page_writes=off";
        try {
            run("pg_ctl", List.of("-D", dataDir.toString(), "-l", folder.resolve("server.log").toString(),
                    "-w", "-t", "60", "-o", options, "start"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nserver log:\n" + serverLog(), e);
        }
    }

    private void createUserAndDatabase() {
        String adminUrl = jdbcUrl("postgres");
        execute(adminUrl, SUPERUSER, superuserPassword,
                "create role " + USER + " login createdb password '" + password + "'");
        execute(adminUrl, SUPERUSER, superuserPassword, "create database " + DATABASE + " owner " + USER);
    }

    private void stopQuietly() {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        try {
            run("pg_ctl", List.of("-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
        } catch (RuntimeException e) {
            System.err.println("could not stop the test PostgreSQL server in " + folder + ": " + e.getMessage());
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    private static void execute(String url, String user, String password, String sql) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test PostgreSQL server at " + url + " refused: "
                    + sql.replaceAll("password '[^']*'", "password '***'") + ": " + e.getMessage(), e);
        }
    }

    /** Runs a PostgreSQL program to its end, as the postgres user when we are root. */
    private void run(String program, List<String> arguments) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(arguments);
        // Output goes to a file, not a pipe: the server pg_ctl starts must not hold our pipe open.
        Path output = folder.resolve(program + ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT
                        + "\n" + read(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                        + process.exitValue() + "\n" + read(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private String serverLog() {
        return read(folder.resolve("server.log"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    static Path findBinaries() {
        String configured = System.getProperty("scepter.postgresql.bin");
        if (configured != null && !configured.isBlank()) {
            Path bin = Path.of(configured);
            if (!hasServerPrograms(bin)) {
                throw new IllegalStateException("scepter.postgresql.bin=" + configured + " has no initdb and pg_ctl");
            }
            return bin;
        }
        Optional<Path> newest = Optional.empty();
        if (Files.isDirectory(DEBIAN_ROOT)) {
            try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
                newest = versions
                        .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .map(v -> v.resolve("bin"))
                        .filter(PostgresServer::hasServerPrograms)
                        .max(Comparator.comparingDouble(b -> Double.parseDouble(b.getParent().getFileName().toString())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + DEBIAN_ROOT, e);
            }
        }
        return newest.orElseThrow(() -> new IllegalStateException(
                "PostgreSQL server programs (initdb, pg_ctl) not found under " + DEBIAN_ROOT + "/*/bin."
                        + " Install Debian's postgresql package (apt-get install postgresql); the project's"
                        + " test script bin/test does. Or point -Dscepter.postgresql.bin at a folder that has them."));
    }

    private static boolean hasServerPrograms(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Path newFolder() {
        try {
            return Files.createTempDirectory("scepter-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the test PostgreSQL server", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on the loopback address", e);
        }
    }

    private static String randomSecret(SecureRandom random) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("could not delete the test PostgreSQL folder " + root + ": " + e.getMessage());
        }
    }
}
