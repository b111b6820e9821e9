package dev.scepter.store.jdbc;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.RevokedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import dev.scepter.authority.store.SerialNumberCollisionException;
import dev.scepter.authority.store.StoreUnavailableException;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link CertificateStore} on the {@code issued_certificate} table (H2 or PostgreSQL). The
 * primary key {@code (issuer, serial_number)} is what catches a serial collision, so nodes that
 * share the database never coordinate to issue. How a certificate is kept in a row is
 * {@link IssuedCertificateRow}'s; the search is {@link CertificateSearch}'s. Expects the schema
 * that {@link JdbcStorage} migrates.
 *
 * <p>{@code issued_at} is the database's clock at insert ({@code current_timestamp}), which the
 * serial index feed and the search order go by. A manual revocation is one conditional update,
 * so of concurrent revocations of one certificate exactly one takes effect and the first reason
 * and time stand.
 */
public final class JdbcCertificateStore implements CertificateStore {

    private static final String FIND_BY_TRANSACTION = "select " + IssuedCertificateRow.COLUMNS
            + " from issued_certificate where issuer = ? and transaction_id = ?";

    private static final String FIND = "select " + IssuedCertificateRow.COLUMNS
            + " from issued_certificate where issuer = ? and serial_number = ?";

    private static final String COUNT = "select count(*) from issued_certificate";

    private static final String COUNT_BY_ENDPOINT = "select count(*) from issued_certificate where endpoint = ?";

    private static final String REVOKE = "update issued_certificate set revocation_reason = ?, revoked_at = ?, revoked_by = ?"
            + " where issuer = ? and serial_number = ? and (revocation_reason is null or (revocation_reason = 6 and revoked_by = ?))";

    private static final String RELEASE = "update issued_certificate set revocation_reason = null, revoked_at = null, revoked_by = null"
            + " where issuer = ? and serial_number = ? and revocation_reason = 6 and revoked_by = ?";

    private static final String EXISTS = "select 1 from issued_certificate where issuer = ? and serial_number = ?";

    private static final String REVOCATIONS = "select serial_number, revocation_reason, revoked_at, revoked_by"
            + " from issued_certificate where issuer = ? and revocation_reason is not null";

    private static final String SERIALS = "select serial_number from issued_certificate where issuer = ?";

    private static final String SERIALS_SINCE = SERIALS + " and issued_at >= ?";

    private static final String ISSUERS = "select distinct issuer from issued_certificate order by issuer";

    private static final String RECORDED_PAGE = "select " + IssuedCertificateRow.COLUMNS + ", issued_at from issued_certificate"
            + " where issuer = ? and serial_number > ? order by serial_number fetch first ? rows only";

    private final DataSource dataSource;
    private final Sql sql;
    private final CertificateSearch search;

    public JdbcCertificateStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.sql = new Sql(dataSource);
        this.search = new CertificateSearch(sql);
    }

    @Override
    public void record(IssuedCertificate certificate) {
        Sql.Binder row = IssuedCertificateRow.insertBinder(certificate);
        try {
            sql.update(IssuedCertificateRow.INSERT, row);
        } catch (SQLException e) {
            throw recordRefused(certificate, e);
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here one transaction, when {@code trail} is the {@link JdbcAuditLog} on this store's
     * database: H2 writes its file once a commit (docs/performance.md, SCEP), PostgreSQL flushes its
     * WAL once. The event's insert runs after a savepoint, so an event the {@code audit_event} table
     * refuses (a target longer than its column) is rolled back alone and the certificate commits.
     */
    @Override
    public boolean recordWithAudit(IssuedCertificate certificate, AuditEvent issuance, AuditLog trail) {
        Objects.requireNonNull(issuance, "issuance");
        if (!(trail instanceof JdbcAuditLog log) || !log.keptIn(dataSource)) {
            record(certificate);
            return false;
        }
        Sql.Binder row = IssuedCertificateRow.insertBinder(certificate);
        try {
            return sql.inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(IssuedCertificateRow.INSERT)) {
                    row.bind(insert);
                    insert.executeUpdate();
                }
                Savepoint certificateOnly = connection.setSavepoint();
                try {
                    JdbcAuditLog.append(connection, issuance);
                    return true;
                } catch (SQLException e) {
                    if (isUnreachable(e)) {
                        throw e;
                    }
                    connection.rollback(certificateOnly);
                    return false;
                }
            });
        } catch (SQLException e) {
            throw recordRefused(certificate, e);
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    /** A certificate's insert that failed: a serial number taken already, or the store's own failure. */
    private RuntimeException recordRefused(IssuedCertificate certificate, SQLException e) {
        if (Sql.isUniqueViolation(e)) {
            return new SerialNumberCollisionException(certificate.serialNumber(), e);
        }
        return unavailableOr(Sql.failed(IssuedCertificateRow.INSERT, e));
    }

    @Override
    public Optional<IssuedCertificate> find(String issuer, BigInteger serialNumber) {
        try {
            return sql.queryOne(FIND, statement -> {
                statement.setString(1, issuer);
                statement.setString(2, IssuedCertificateRow.hex(serialNumber));
            }, IssuedCertificateRow::read);
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public List<IssuedCertificate> findByTransactionId(String issuer, String transactionId) {
        try {
            return sql.query(FIND_BY_TRANSACTION, statement -> {
                statement.setString(1, issuer);
                statement.setString(2, transactionId);
            }, IssuedCertificateRow::read);
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public long count() {
        try {
            return sql.queryOne(COUNT, statement -> { }, row -> row.getLong(1)).orElseThrow();
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public long countByEndpoint(String endpoint) {
        try {
            return sql.queryOne(COUNT_BY_ENDPOINT, statement -> statement.setString(1, endpoint), row -> row.getLong(1)).orElseThrow();
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public RevocationOutcome revoke(String issuer, BigInteger serialNumber, Revocation revocation) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(revocation, "revocation");
        String serial = IssuedCertificateRow.hex(serialNumber);
        int changed;
        try {
            changed = sql.update(REVOKE, statement -> {
                statement.setShort(1, (short) revocation.reason());
                Sql.setInstant(statement, 2, revocation.revokedAt());
                statement.setString(3, revocation.revokedBy());
                statement.setString(4, issuer);
                statement.setString(5, serial);
                statement.setString(6, Revocation.AWAITING_DELIVERY);
            });
        } catch (SQLException e) {
            throw unavailableOr(Sql.failed(REVOKE, e));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
        if (changed == 1) {
            return RevocationOutcome.REVOKED;
        }
        // A revocation is never undone (only a delivery hold is lifted), so a row that exists now was revoked before this update.
        boolean exists;
        try {
            exists = sql.queryOne(EXISTS, statement -> {
                statement.setString(1, issuer);
                statement.setString(2, serial);
            }, row -> true).isPresent();
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
        return exists ? RevocationOutcome.ALREADY_REVOKED : RevocationOutcome.NOT_FOUND;
    }

    @Override
    public boolean release(String issuer, BigInteger serialNumber) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serialNumber, "serialNumber");
        try {
            return sql.update(RELEASE, statement -> {
                statement.setString(1, issuer);
                statement.setString(2, IssuedCertificateRow.hex(serialNumber));
                statement.setString(3, Revocation.AWAITING_DELIVERY);
            }) == 1;
        } catch (SQLException e) {
            throw unavailableOr(Sql.failed(RELEASE, e));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public List<RevokedCertificate> revocations(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        try {
            return sql.query(REVOCATIONS, statement -> statement.setString(1, issuer), row -> new RevokedCertificate(
                    IssuedCertificateRow.serial(row),
                    new Revocation(row.getShort("revocation_reason"), Sql.getInstant(row, "revoked_at"), row.getString("revoked_by"))));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    /** Every issuer that has certificates recorded here (a CA renewed under another name is a second one): for copying them elsewhere. */
    public List<String> issuers() {
        try {
            return sql.query(ISSUERS, statement -> { }, row -> row.getString(1));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    /** Rows the database sends at a time when the serials are read at start (about 40 bytes each on the wire): Table Storage's page too. */
    static final int SERIALS_FETCH_SIZE = 1_000;

    /** A certificate with when this database recorded it ({@code issued_at}). */
    public record Recorded(IssuedCertificate certificate, Instant recordedAt) {
    }

    /**
     * Up to {@code limit} certificates of {@code issuer} with when they were recorded, in the order
     * of their serial's key, after the one of {@code after} (from the start when empty): a copy
     * reads the whole table page by page without holding it.
     */
    public List<Recorded> recordedPage(String issuer, Optional<BigInteger> after, int limit) {
        try {
            return sql.query(RECORDED_PAGE, statement -> {
                statement.setString(1, issuer);
                statement.setString(2, after.map(IssuedCertificateRow::hex).orElse(""));
                statement.setInt(3, limit);
            }, row -> new Recorded(IssuedCertificateRow.read(row), Sql.getInstant(row, "issued_at")));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public void forEachSerialRecordedSince(String issuer, Instant since, java.util.function.Consumer<BigInteger> visitor) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(visitor, "visitor");
        Sql.RowMapper<BigInteger> serial = IssuedCertificateRow::serial;
        try {
            if (since.isBefore(IssuedCertificateRow.EARLIEST)) {
                sql.forEach(SERIALS, statement -> statement.setString(1, issuer), SERIALS_FETCH_SIZE, serial, visitor);
                return;
            }
            Instant bound = since.isAfter(IssuedCertificateRow.LATEST) ? IssuedCertificateRow.LATEST : since;
            sql.forEach(SERIALS_SINCE, statement -> {
                statement.setString(1, issuer);
                Sql.setInstant(statement, 2, bound);
            }, SERIALS_FETCH_SIZE, serial, visitor);
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the continuation token is not one this store gave
     *                                  out; the message may be shown to the client
     */
    @Override
    public Map<String, Long> countMatchingByEndpoint(String issuer, SearchQuery query) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(query, "query");
        try {
            return search.countByEndpoint(issuer, query);
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public SearchPage search(String issuer, SearchQuery query) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(query, "query");
        try {
            return search.page(issuer, query);
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    /**
     * A failure to reach the database (no connection within the pool's bound, a connection that
     * broke, a server shutting down) as {@link StoreUnavailableException}, which the device
     * protocols answer with "try later"; any other failure as it is.
     */
    static RuntimeException unavailableOr(StorageException e) {
        return isUnreachable(e) ? new StoreUnavailableException("the database cannot be reached: " + e.getMessage(), e) : e;
    }

    /**
     * SQLSTATE class 08 (connection exception) and 57P (the server shut down or cannot take
     * connections yet), the same on PostgreSQL and H2, and the JDBC types for a connection that
     * failed or a pool that gave none in time (HikariCP's {@code SQLTransientConnectionException}).
     */
    static boolean isUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientConnectionException || cause instanceof java.sql.SQLNonTransientConnectionException
                    || cause instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
