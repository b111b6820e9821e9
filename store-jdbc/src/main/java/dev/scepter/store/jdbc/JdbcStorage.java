package dev.scepter.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.OneTimeChallengeStore;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.Storage;
import dev.scepter.authority.token.ApiTokenStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database behind the stores: a connection pool on H2 or PostgreSQL, its schema migrated by
 * Flyway ({@code db/migration}) when it opens. One per process; close it on shutdown.
 *
 * <p>The embedded default is an H2 file in the data folder, opened in H2's automatic mixed mode
 * ({@code AUTO_SERVER=TRUE}): the first process to open it serves it to the others, so
 * {@code scepter token create} works while {@code scepter serve} runs. That server listens on
 * loopback only and admits only who knows the password in {@code database-password}, which only
 * the data folder's owner can read: another local account could otherwise connect and, for
 * example, add an API token with every role.
 */
public final class JdbcStorage implements Storage {

    private static final Logger log = LoggerFactory.getLogger(JdbcStorage.class);

    /** The embedded database's name in the data folder; H2 adds {@code .mv.db}. */
    static final String EMBEDDED_NAME = "scepter";
    /**
     * The embedded database's file, as H2 names it. The data folder's layout (settings'
     * {@code DataFolder}) names it too, for the installer; the installer's tests hold the two equal.
     */
    static final String EMBEDDED_FILE = EMBEDDED_NAME + ".mv.db";
    /** The embedded database's password (0600), made with the database; named in {@code DataFolder} too. */
    static final String EMBEDDED_PASSWORD_FILE = "database-password";
    /** The embedded database's only user: the one that created it, its administrator. */
    private static final String EMBEDDED_USER = "sa";
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_READ_WRITE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");

    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)((?:password|pwd|sslpassword|sslkey)=)[^&;]*");
    private static final Pattern VERSION = Pattern.compile("\\d+(?:\\.\\d+)*");

    static {
        // AUTO_SERVER's TCP listener would bind every interface; the other processes of an
        // installation are on this machine, so it listens on loopback only. H2 reads the property
        // once, when its classes load: this class loads before it touches H2.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    private final HikariDataSource dataSource;
    private final String description;
    private final JdbcCertificateStore certificateStore;
    private final JdbcApiTokenStore apiTokenStore;
    private final JdbcAuditLog auditLog;
    private final JdbcEmbeddedDirectory embeddedDirectory;
    private final JdbcOneTimeChallengeStore oneTimeChallenges;

    private JdbcStorage(HikariDataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
        this.certificateStore = new JdbcCertificateStore(dataSource);
        this.apiTokenStore = new JdbcApiTokenStore(dataSource);
        this.auditLog = new JdbcAuditLog(dataSource);
        this.embeddedDirectory = new JdbcEmbeddedDirectory(dataSource);
        this.oneTimeChallenges = new JdbcOneTimeChallengeStore(dataSource);
    }

    /**
     * Opens (creating it if need be) the H2 database {@code dataDir/scepter.mv.db}, shared with
     * other processes that open the same folder. A new database gets a generated password, kept
     * in {@code dataDir/database-password} (0600); the database's files are made the owner's only.
     *
     * @throws StorageException when the database cannot be opened or migrated, or when it exists
     *                          without its password file
     */
    public static JdbcStorage embedded(Path dataDir) {
        Path folder = embeddedFolder(dataDir);
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder.getParent());
                // The data folder is its owner's only (a command may be the first to make it).
                Files.createDirectory(folder, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // Made meanwhile by another command.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + folder, e);
        }
        Path file = folder.resolve(EMBEDDED_FILE);
        Path passwordFile = folder.resolve(EMBEDDED_PASSWORD_FILE);
        String password;
        if (Files.exists(passwordFile)) {
            password = readPassword(passwordFile);
        } else if (!Files.exists(file)) {
            password = newPassword(passwordFile);
        } else {
            throw new StorageException("The embedded database " + file + " has no " + EMBEDDED_PASSWORD_FILE
                    + " beside it: run complete-installation to give it a password (databases made by earlier versions have none), "
                    + "or restore " + EMBEDDED_PASSWORD_FILE + " from the backup this database came from.");
        }
        JdbcStorage storage = open(embeddedUrl(folder), EMBEDDED_USER, password, 5, metadata -> "H2 (embedded, " + file + ")");
        restrictEmbeddedFiles(folder);
        return storage;
    }

    /** Whether the data folder holds an embedded database that has no password yet (made by an earlier version). */
    public static boolean embeddedNeedsPassword(Path dataDir) {
        Path folder = dataDir.toAbsolutePath().normalize();
        return Files.exists(folder.resolve(EMBEDDED_FILE)) && !Files.exists(folder.resolve(EMBEDDED_PASSWORD_FILE));
    }

    /**
     * Gives an embedded database made without a password (by an earlier version, as user
     * {@code sa} with an empty password) a generated one, kept in {@code database-password}.
     * The password is written beside the database before the database is changed, so that a crash
     * in between leaves a password file that opens it either way: the next run sets it again.
     *
     * @throws StorageException when the database refuses the empty password (somebody set another)
     */
    public static void protectEmbedded(Path dataDir) {
        Path folder = embeddedFolder(dataDir);
        Path passwordFile = folder.resolve(EMBEDDED_PASSWORD_FILE);
        Path pending = folder.resolve(EMBEDDED_PASSWORD_FILE + ".new");
        String password = Files.exists(pending) ? readPassword(pending) : newPassword(pending);
        String url = embeddedUrl(folder) + ";IFEXISTS=TRUE";
        try (Connection connection = connectWithEither(url, password);
                var statement = connection.createStatement()) {
            // H2 takes no parameter here; the password is base64url, so it needs no quoting.
            statement.execute("ALTER USER " + EMBEDDED_USER + " SET PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new StorageException("cannot set a password on the embedded database in " + folder + ": " + e.getMessage(), e);
        }
        try {
            Files.move(pending, passwordFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the embedded database's password in " + passwordFile
                    + "; it is in " + pending + ": rename that file to " + EMBEDDED_PASSWORD_FILE, e);
        }
        restrictEmbeddedFiles(folder);
    }

    /** The empty password of an earlier version first; the new one if an interrupted run already set it. */
    private static Connection connectWithEither(String url, String password) throws SQLException {
        try {
            return java.sql.DriverManager.getConnection(url, EMBEDDED_USER, "");
        } catch (SQLException emptyRefused) {
            try {
                return java.sql.DriverManager.getConnection(url, EMBEDDED_USER, password);
            } catch (SQLException e) {
                throw new SQLException("it refuses the empty password of earlier versions, and " + EMBEDDED_PASSWORD_FILE
                        + " is missing: restore " + EMBEDDED_PASSWORD_FILE + " from your backup", emptyRefused);
            }
        }
    }

    private static Path embeddedFolder(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        String bindAddress = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (bindAddress == null || !isLoopback(bindAddress)) {
            // Something loaded H2 before this class could tell it where to listen.
            throw new IllegalStateException("H2 would serve the embedded database on " + (bindAddress == null ? "every interface" : bindAddress)
                    + ": set the system property h2.bindAddress=127.0.0.1");
        }
        Path folder = dataDir.toAbsolutePath().normalize();
        if (folder.toString().indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data folder's path must not contain ';': " + folder);
        }
        return folder;
    }

    private static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String newPassword(Path file) {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            Files.writeString(temp, password + "\n", java.nio.charset.StandardCharsets.UTF_8);
            try {
                // A link, not a rename: it never replaces a password another process kept first.
                Files.createLink(file, temp);
            } catch (java.nio.file.FileAlreadyExistsException anotherWasFirst) {
                return readPassword(file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedded database's password to " + file, e);
        }
        return password;
    }

    private static String readPassword(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded database's password from " + file, e);
        }
    }

    /**
     * H2 makes its files with the process's umask (often 0644) and makes the lock file anew at
     * every open: they are the owner's only, like every file of the data folder.
     */
    private static void restrictEmbeddedFiles(Path folder) {
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(EMBEDDED_NAME + ".")).toList()) {
                if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            // No POSIX modes on this file system (Windows): its ACLs are the owner's affair.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the embedded database's files private in " + folder, e);
        }
    }

    /**
     * {@code WRITE_DELAY=0}: a commit writes its changes to the file before it returns. H2 2.x
     * (MVStore) otherwise writes committed changes to the file from a background thread, up to
     * {@code WRITE_DELAY} (500 ms by default) later, so a process killed in between ({@code kill -9},
     * the kernel's OOM killer, a JVM crash) loses commits whose answers had already left: a
     * certificate a client holds, a revocation the API confirmed. The write is not followed by an
     * fsync: the commit survives the process, and the operating system writes it to the disk (see
     * docs/operations.md, "Durability").
     */
    static final String DURABILITY_SETTINGS = ";WRITE_DELAY=0";

    /**
     * No trace file: H2 would make {@code scepter.trace.db} whenever a statement fails, with the
     * process's umask rather than the data folder's modes; failures reach our log as exceptions.
     */
    private static String embeddedUrl(Path folder) {
        return "jdbc:h2:file:" + folder.resolve(EMBEDDED_NAME) + ";AUTO_SERVER=TRUE;TRACE_LEVEL_FILE=0" + DURABILITY_SETTINGS;
    }

    /**
     * What an existing database holds, read without changing it: the schema migrations it still
     * needs, and how many certificates it records (0 before the schema exists).
     */
    public record Inspection(java.util.List<String> pendingMigrations, long certificates) {
    }

    /** Inspects the embedded database of a data folder, which must exist (with the empty password of earlier versions while it has none). */
    public static Inspection inspectEmbedded(Path dataDir) {
        Path folder = embeddedFolder(dataDir);
        Path passwordFile = folder.resolve(EMBEDDED_PASSWORD_FILE);
        if (Files.exists(passwordFile)) {
            return inspect(embeddedUrl(folder), EMBEDDED_USER, readPassword(passwordFile));
        }
        // No password yet, or a protectEmbedded that stopped between setting it and keeping it.
        Path pending = folder.resolve(EMBEDDED_PASSWORD_FILE + ".new");
        if (Files.exists(pending)) {
            try {
                return inspect(embeddedUrl(folder), EMBEDDED_USER, readPassword(pending));
            } catch (StorageException setNotYet) {
                // The earlier run wrote the password but stopped before the database took it.
            }
        }
        return inspect(embeddedUrl(folder), EMBEDDED_USER, "");
    }

    /** Inspects the database at a JDBC URL; @throws StorageException when it cannot be reached */
    public static Inspection inspect(String jdbcUrl, String user, String password) {
        String shownUrl = redact(jdbcUrl);
        try {
            // No pool: Flyway's own connections, then one plain connection to count.
            java.util.List<String> pending = java.util.Arrays.stream(Flyway.configure()
                            .dataSource(jdbcUrl, user, password)
                            .locations("classpath:db/migration")
                            .failOnMissingLocations(true)
                            .load().info().pending())
                    .map(m -> "V" + m.getVersion() + " " + m.getDescription()).toList();
            long certificates = 0;
            try (Connection connection = java.sql.DriverManager.getConnection(jdbcUrl, user, password);
                    var statement = connection.createStatement();
                    var rows = statement.executeQuery("select count(*) from issued_certificate")) {
                rows.next();
                certificates = rows.getLong(1);
            } catch (SQLException noSchemaYet) {
                // Before V1 there is no table, and so no certificate.
            }
            return new Inspection(pending, certificates);
        } catch (RuntimeException e) {
            throw new StorageException("cannot inspect the database at " + shownUrl + ": " + rootMessage(e), e);
        }
    }

    /**
     * Opens the database at a JDBC URL (PostgreSQL in production; any URL whose driver is on the
     * class path) and migrates its schema.
     *
     * @param user     the user, or {@code null} when the URL names one
     * @param password the password, or {@code null}; it appears in no message
     * @throws StorageException when the database cannot be reached or migrated; the message names
     *                          the URL, less any password in it
     */
    public static JdbcStorage connect(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return open(jdbcUrl, user, password, 10, metadata -> describe(jdbcUrl, metadata));
    }

    @Override
    public CertificateStore certificateStore() {
        return certificateStore;
    }

    @Override
    public ApiTokenStore apiTokenStore() {
        return apiTokenStore;
    }

    @Override
    public AuditLog auditLog() {
        return auditLog;
    }

    /** The embedded directory, kept in this database: the directory when no external one is configured. */
    @Override
    public EmbeddedDirectory embeddedDirectory() {
        return embeddedDirectory;
    }

    @Override
    public OneTimeChallengeStore oneTimeChallengeStore() {
        return oneTimeChallenges;
    }

    /** The pool: this adapter's own, for tests that read the schema and for stores of later features. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "JdbcStorage[" + description + "]";
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @FunctionalInterface
    private interface Describer {
        String describe(DatabaseMetaData metadata) throws SQLException;
    }

    private static JdbcStorage open(String url, String user, String password, int poolSize, Describer describer) {
        String shownUrl = redact(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName("scepter-store");
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        // Device paths (SCEP, OCSP misses, the probe) wait at most this long for a connection: an
        // outage is answered in protocol terms within about 2 s, not after Hikari's 30 s default.
        config.setConnectionTimeout(1_500);
        config.setValidationTimeout(1_000);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageException("cannot connect to the database at " + shownUrl + ": " + rootMessage(e), e);
        }
        try {
            migrate(dataSource, shownUrl);
            String description;
            try (Connection connection = dataSource.getConnection()) {
                description = describer.describe(connection.getMetaData());
            } catch (SQLException e) {
                throw new StorageException("cannot read the database's metadata at " + shownUrl + ": " + e.getMessage(), e);
            }
            log.info("Storage: {}", description);
            return new JdbcStorage(dataSource, description);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static void migrate(DataSource dataSource, String shownUrl) {
        try {
            flyway(dataSource).migrate();
        } catch (FlywayException e) {
            throw new StorageException("cannot migrate the database schema at " + shownUrl + ": " + rootMessage(e), e);
        }
    }

    private static Flyway flyway(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load();
    }

    private static String describe(String url, DatabaseMetaData metadata) throws SQLException {
        String product = metadata.getDatabaseProductName();
        Matcher version = VERSION.matcher(metadata.getDatabaseProductVersion());
        String name = version.find() ? product + " " + version.group() : product;
        String postgresPrefix = "jdbc:postgresql://";
        if (url.startsWith(postgresPrefix)) {
            String location = url.substring(postgresPrefix.length());
            int parameters = location.indexOf('?');
            return name + " at " + (parameters < 0 ? location : location.substring(0, parameters));
        }
        return name + " at " + redact(url);
    }

    /** The URL less the values of parameters that hold secrets. */
    static String redact(String jdbcUrl) {
        return SECRET_PARAMETER.matcher(jdbcUrl).replaceAll("$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
