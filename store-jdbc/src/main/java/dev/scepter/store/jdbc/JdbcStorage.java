package dev.scepter.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.EmbeddedDirectory;
import dev.scepter.authority.store.OneTimeChallengeStore;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.Storage;
import dev.scepter.authority.token.ApiTokenStore;
import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database behind the stores: a connection pool on H2 or PostgreSQL, its schema migrated by
 * Flyway ({@code db/migration}) when it opens ({@link MigratedDatabase}), and the role stores on
 * it. One per process; close it on shutdown.
 *
 * <p>The embedded default is an H2 file in the data folder ({@link EmbeddedDatabase}), opened in
 * H2's automatic mixed mode ({@code AUTO_SERVER=TRUE}): the first process to open it serves it to
 * the others, so {@code scepter token create} works while {@code scepter serve} runs. That server
 * listens on loopback only and admits only who knows the password in {@code database-password},
 * which only the data folder's owner can read.
 */
public final class JdbcStorage implements Storage {

    private static final Logger log = LoggerFactory.getLogger(JdbcStorage.class);

    static {
        // AUTO_SERVER's TCP listener would bind every interface; the other processes of an
        // installation are on this machine, so it listens on loopback only. H2 reads the property
        // once, when its classes load: every way into this adapter, a JDBC URL's included, passes
        // through this class, which loads before anything touches H2.
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
    private final JdbcAcmeStore acmeStore;

    private JdbcStorage(MigratedDatabase database) {
        this.dataSource = database.pool();
        this.description = database.description();
        this.certificateStore = new JdbcCertificateStore(dataSource);
        this.apiTokenStore = new JdbcApiTokenStore(dataSource);
        this.auditLog = new JdbcAuditLog(dataSource);
        this.embeddedDirectory = new JdbcEmbeddedDirectory(dataSource);
        this.oneTimeChallenges = new JdbcOneTimeChallengeStore(dataSource);
        this.acmeStore = new JdbcAcmeStore(dataSource);
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
        EmbeddedDatabase database = EmbeddedDatabase.in(dataDir);
        String password = database.passwordToOpen();
        Path file = database.file();
        JdbcStorage storage = open(database.url(), EmbeddedDatabase.USER, password, 5, metadata -> "H2 (embedded, " + file + ")");
        database.restrictFiles();
        return storage;
    }

    /** Whether the data folder holds an embedded database that has no password yet (made by an earlier version). */
    public static boolean embeddedNeedsPassword(Path dataDir) {
        return EmbeddedDatabase.needsPassword(dataDir);
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
        EmbeddedDatabase.in(dataDir).protect();
    }

    /**
     * What an existing database holds, read without changing it: the schema migrations it still
     * needs, and how many certificates it records (0 before the schema exists).
     */
    public record Inspection(java.util.List<String> pendingMigrations, long certificates) {
    }

    /** Inspects the embedded database of a data folder, which must exist (with the empty password of earlier versions while it has none). */
    public static Inspection inspectEmbedded(Path dataDir) {
        return EmbeddedDatabase.in(dataDir).inspect();
    }

    /** Inspects the database at a JDBC URL; @throws StorageException when it cannot be reached */
    public static Inspection inspect(String jdbcUrl, String user, String password) {
        return MigratedDatabase.inspect(jdbcUrl, user, password);
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
        return open(jdbcUrl, user, password, 10, metadata -> MigratedDatabase.describe(jdbcUrl, metadata));
    }

    private static JdbcStorage open(String url, String user, String password, int poolSize, MigratedDatabase.Describer describer) {
        MigratedDatabase database = MigratedDatabase.open(url, user, password, poolSize, describer);
        log.info("Storage: {}", database.description());
        return new JdbcStorage(database);
    }

    /** The issuers this database has certificates of. */
    public java.util.List<String> issuers() {
        return certificateStore.issuers();
    }

    /** Certificates of {@code issuer} with when they were recorded, a page at a time ({@link JdbcCertificateStore#recordedPage}). */
    public java.util.List<JdbcCertificateStore.Recorded> recordedPage(String issuer, java.util.Optional<java.math.BigInteger> after, int limit) {
        return certificateStore.recordedPage(issuer, after, limit);
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

    /** Every device and user of the embedded directory in this database. */
    public java.util.List<EmbeddedDirectory.Entry> directoryEntries() {
        return embeddedDirectory.entries();
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

    @Override
    public dev.scepter.authority.store.AcmeStore acmeStore() {
        return acmeStore;
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
}
