package dev.scepter.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.enrollment.OneTimeChallengeStore;
import dev.scepter.authority.store.CertificateStore;
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
 * {@code scepter token create} works while {@code scepter serve} runs.
 */
public final class JdbcStorage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcStorage.class);

    /** The embedded database's name in the data folder; H2 adds {@code .mv.db}. */
    static final String EMBEDDED_NAME = "scepter";

    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)((?:password|pwd|sslpassword|sslkey)=)[^&;]*");
    private static final Pattern VERSION = Pattern.compile("\\d+(?:\\.\\d+)*");

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
     * other processes that open the same folder.
     *
     * @throws StorageException when the database cannot be opened or migrated
     */
    public static JdbcStorage embedded(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        // AUTO_SERVER's TCP listener would bind every interface; other processes of this
        // installation are on this machine, so it listens on loopback only. H2 reads the property
        // once, when its classes load, which this is before.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        Path folder = dataDir.toAbsolutePath().normalize();
        if (folder.toString().indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data folder's path must not contain ';': " + folder);
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + folder, e);
        }
        Path file = folder.resolve(EMBEDDED_NAME + ".mv.db");
        return open(embeddedUrl(folder), "sa", "", 5, metadata -> "H2 (embedded, " + file + ")");
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

    private static String embeddedUrl(Path folder) {
        return "jdbc:h2:file:" + folder.resolve(EMBEDDED_NAME) + ";AUTO_SERVER=TRUE" + DURABILITY_SETTINGS;
    }

    /**
     * What an existing database holds, read without changing it: the schema migrations it still
     * needs, and how many certificates it records (0 before the schema exists).
     */
    public record Inspection(java.util.List<String> pendingMigrations, long certificates) {
    }

    /** Inspects the embedded database of a data folder, which must exist. */
    public static Inspection inspectEmbedded(Path dataDir) {
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        return inspect(embeddedUrl(dataDir.toAbsolutePath().normalize()), "sa", "");
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

    public CertificateStore certificateStore() {
        return certificateStore;
    }

    public ApiTokenStore apiTokenStore() {
        return apiTokenStore;
    }

    public AuditLog auditLog() {
        return auditLog;
    }

    /** The embedded directory, kept in this database: the directory when no external one is configured. */
    public EmbeddedDirectory embeddedDirectory() {
        return embeddedDirectory;
    }

    /** The pool, for health checks and for stores of later features. */
    public OneTimeChallengeStore oneTimeChallengeStore() {
        return oneTimeChallenges;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * What the storage is, for the log, the homepage and health: for example
     * {@code H2 (embedded, /srv/scepter-data/scepter.mv.db)} or
     * {@code PostgreSQL 15.14 at db.example:5432/scepter}. Never a password.
     */
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
        config.setConnectionTimeout(10_000);
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
