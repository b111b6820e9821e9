package dev.scepter.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A database at a JDBC URL as the stores need it: behind a connection pool, its schema brought up
 * to date by Flyway ({@code db/migration}), and described for the log. Whether the URL is the
 * embedded H2 file ({@link EmbeddedDatabase}) or a server is the caller's affair; this class only
 * knows URLs, users and passwords, and keeps any password out of what it says.
 *
 * @param pool        the pool, which the caller closes on shutdown
 * @param description what the database is and where, with no secret in it
 */
record MigratedDatabase(HikariDataSource pool, String description) {

    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)((?:password|pwd|sslpassword|sslkey)=)[^&;]*");
    private static final Pattern VERSION = Pattern.compile("\\d+(?:\\.\\d+)*");

    /** Names the database from its metadata once the pool has a connection. */
    @FunctionalInterface
    interface Describer {
        String describe(DatabaseMetaData metadata) throws SQLException;
    }

    /**
     * Opens a pool on the URL and migrates the schema; the pool is closed again when either fails.
     *
     * @param user     the user, or {@code null} when the URL names one
     * @param password the password, or {@code null}; it appears in no message
     * @throws StorageException when the database cannot be reached, migrated or described; the
     *                          message names the URL, less any password in it
     */
    static MigratedDatabase open(String url, String user, String password, int poolSize, Describer describer) {
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
            return new MigratedDatabase(dataSource, description);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * Reads what migrating the database would do, without changing it; @throws StorageException
     * when it cannot be reached
     */
    static JdbcStorage.Inspection inspect(String jdbcUrl, String user, String password) {
        String shownUrl = redact(jdbcUrl);
        // No pool: one plain connection, held while Flyway opens its own, and used to count. Held,
        // it keeps the embedded database open, which H2 would otherwise close and open again (with
        // its AUTO_SERVER listener) between Flyway's connections and the count: one open less at start.
        try (Connection connection = java.sql.DriverManager.getConnection(jdbcUrl, user, password)) {
            java.util.List<String> pending = java.util.Arrays.stream(Flyway.configure()
                            .dataSource(jdbcUrl, user, password)
                            .locations("classpath:db/migration")
                            .javaMigrations(new V7__Thumbprint())
                            .failOnMissingLocations(true)
                            .load().info().pending())
                    .map(m -> "V" + m.getVersion() + " " + m.getDescription()).toList();
            long certificates = 0;
            try (var statement = connection.createStatement();
                    var rows = statement.executeQuery("select count(*) from issued_certificate")) {
                rows.next();
                certificates = rows.getLong(1);
            } catch (SQLException noSchemaYet) {
                // Before V1 there is no table, and so no certificate.
            }
            return new JdbcStorage.Inspection(pending, certificates);
        } catch (SQLException | RuntimeException e) {
            throw new StorageException("cannot inspect the database at " + shownUrl + ": " + rootMessage(e), e);
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
                            .javaMigrations(new V7__Thumbprint())
                .failOnMissingLocations(true)
                .load();
    }

    /** A server's database by product, version and host (a PostgreSQL URL's parameters may hold secrets, so they are left out). */
    static String describe(String url, DatabaseMetaData metadata) throws SQLException {
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

    /** The innermost cause's message: the driver's own words, without the wrappers' repetitions. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
