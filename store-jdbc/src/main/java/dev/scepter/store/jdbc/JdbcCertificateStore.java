package dev.scepter.store.jdbc;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.RevocationOutcome;
import dev.scepter.authority.store.RevokedCertificate;
import dev.scepter.authority.store.SearchPage;
import dev.scepter.authority.store.SearchQuery;
import dev.scepter.authority.store.SerialNumberCollisionException;
import dev.scepter.authority.store.StoreUnavailableException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * {@link CertificateStore} on the {@code issued_certificate} table (H2 or PostgreSQL). The
 * primary key {@code (issuer, serial_number)} is what catches a serial collision, so nodes that
 * share the database never coordinate to issue. Serials are kept as upper-case hex without
 * leading zeros, the form of {@link IssuedCertificate#serialHex()}; times to the microsecond.
 * Expects the schema that {@link JdbcStorage} migrates.
 *
 * <p>{@code issued_at} is the database's clock at insert ({@code current_timestamp}), which the
 * serial index feed and the search order go by. A manual revocation is one conditional update,
 * so of concurrent revocations of one certificate exactly one takes effect and the first reason
 * and time stand. Search is newest first ({@code issued_at}, then serial, both descending),
 * paged by keyset: the continuation token is the last row's {@code (issued_at, serial)},
 * base64url-encoded.
 */
public final class JdbcCertificateStore implements CertificateStore {

    private static final String COLUMNS = "issuer, serial_number, subject, subject_alt_names, not_before, not_after,"
            + " endpoint, requester, transaction_id, binding_kind, binding_object_id,"
            + " revocation_reason, revoked_at, revoked_by, der, request_sha256";

    private static final String INSERT = "insert into issued_certificate (" + COLUMNS + ")"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String FIND_BY_TRANSACTION = "select " + COLUMNS
            + " from issued_certificate where issuer = ? and transaction_id = ?";

    private static final String FIND = "select " + COLUMNS
            + " from issued_certificate where issuer = ? and serial_number = ?";

    private static final String COUNT = "select count(*) from issued_certificate";

    private static final String REVOKE = "update issued_certificate set revocation_reason = ?, revoked_at = ?, revoked_by = ?"
            + " where issuer = ? and serial_number = ? and revocation_reason is null";

    private static final String EXISTS = "select 1 from issued_certificate where issuer = ? and serial_number = ?";

    private static final String REVOCATIONS = "select serial_number, revocation_reason, revoked_at, revoked_by"
            + " from issued_certificate where issuer = ? and revocation_reason is not null";

    private static final String SERIALS = "select serial_number from issued_certificate where issuer = ?";

    private static final String SERIALS_SINCE = SERIALS + " and issued_at >= ?";

    /** Compared with {@code lower(...) like lower(?) escape '!'}: the escape character PostgreSQL and H2 read alike. */
    private static final String TEXT_MATCH = " and (lower(serial_number) like lower(?) escape '!'"
            + " or lower(subject) like lower(?) escape '!'"
            + " or lower(subject_alt_names) like lower(?) escape '!'"
            + " or lower(requester) like lower(?) escape '!')";

    /**
     * Times outside these are not bound as parameters (PostgreSQL keeps 4713 BC to 294276 AD):
     * {@code issued_at} is the database's clock, so an earlier {@code since} means everything and
     * a later one nothing.
     */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private static final String TOKEN_VERSION = "k1";
    private static final Pattern TOKEN = Pattern.compile(TOKEN_VERSION + ":(-?\\d{1,12}):(\\d{1,9}):([0-9A-F]{1,64})");
    private static final int MAX_TOKEN_LENGTH = 200;

    private final Sql sql;

    public JdbcCertificateStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    @Override
    public void record(IssuedCertificate certificate) {
        String subjectAltNames = joinLines(certificate.subjectAltNames());
        try {
            sql.update(INSERT, statement -> {
                statement.setString(1, certificate.issuer());
                statement.setString(2, hex(certificate.serialNumber()));
                statement.setString(3, certificate.subject());
                statement.setString(4, subjectAltNames);
                Sql.setInstant(statement, 5, certificate.notBefore());
                Sql.setInstant(statement, 6, certificate.notAfter());
                statement.setString(7, certificate.endpoint());
                statement.setString(8, certificate.requester());
                statement.setString(9, certificate.transactionId().orElse(null));
                Optional<DirectoryBinding> binding = certificate.binding();
                statement.setString(10, binding.map(b -> BindingKindColumn.value(b.type())).orElse(null));
                if (binding.isPresent()) {
                    statement.setObject(11, binding.get().objectId());
                } else {
                    statement.setNull(11, Types.OTHER);
                }
                Optional<Revocation> revocation = certificate.revocation();
                if (revocation.isPresent()) {
                    statement.setShort(12, (short) revocation.get().reason());
                } else {
                    statement.setNull(12, Types.SMALLINT);
                }
                Sql.setInstant(statement, 13, revocation.map(Revocation::revokedAt).orElse(null));
                statement.setString(14, revocation.map(Revocation::revokedBy).orElse(null));
                statement.setBytes(15, certificate.der());
                statement.setBytes(16, certificate.requestDigest().orElse(null));
            });
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw new SerialNumberCollisionException(certificate.serialNumber(), e);
            }
            throw unavailableOr(Sql.failed(INSERT, e));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public Optional<IssuedCertificate> find(String issuer, BigInteger serialNumber) {
        try {
            return sql.queryOne(FIND, statement -> {
                statement.setString(1, issuer);
                statement.setString(2, hex(serialNumber));
            }, JdbcCertificateStore::read);
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
            }, JdbcCertificateStore::read);
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
    public RevocationOutcome revoke(String issuer, BigInteger serialNumber, Revocation revocation) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(revocation, "revocation");
        String serial = hex(serialNumber);
        int changed;
        try {
            changed = sql.update(REVOKE, statement -> {
                statement.setShort(1, (short) revocation.reason());
                Sql.setInstant(statement, 2, revocation.revokedAt());
                statement.setString(3, revocation.revokedBy());
                statement.setString(4, issuer);
                statement.setString(5, serial);
            });
        } catch (SQLException e) {
            throw unavailableOr(Sql.failed(REVOKE, e));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
        if (changed == 1) {
            return RevocationOutcome.REVOKED;
        }
        // A revocation is never undone, so a row that exists now was revoked before this update.
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
    public List<RevokedCertificate> revocations(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        try {
            return sql.query(REVOCATIONS, statement -> statement.setString(1, issuer), row -> new RevokedCertificate(
                    new BigInteger(row.getString("serial_number"), 16),
                    new Revocation(row.getShort("revocation_reason"), Sql.getInstant(row, "revoked_at"), row.getString("revoked_by"))));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }
    }

    @Override
    public List<BigInteger> serialNumbersRecordedSince(String issuer, Instant since) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(since, "since");
        Sql.RowMapper<BigInteger> serial = row -> new BigInteger(row.getString("serial_number"), 16);
        try {
            if (since.isBefore(EARLIEST)) {
                return sql.query(SERIALS, statement -> statement.setString(1, issuer), serial);
            }
            Instant bound = since.isAfter(LATEST) ? LATEST : since;
            return sql.query(SERIALS_SINCE, statement -> {
                statement.setString(1, issuer);
                Sql.setInstant(statement, 2, bound);
            }, serial);
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
    public SearchPage search(String issuer, SearchQuery query) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(query, "query");
        Optional<Position> after = query.continuationToken().map(Position::decode);
        StringBuilder statementText = new StringBuilder("select " + COLUMNS + ", issued_at from issued_certificate where issuer = ?");
        List<Parameter> parameters = new ArrayList<>();
        parameters.add((statement, index) -> statement.setString(index, issuer));
        Optional<String> text = query.text().map(String::strip).filter(t -> !t.isEmpty());
        if (text.isPresent()) {
            String pattern = "%" + escapeLike(text.get()) + "%";
            statementText.append(TEXT_MATCH);
            for (int i = 0; i < 4; i++) {
                parameters.add((statement, index) -> statement.setString(index, pattern));
            }
        }
        Instant now = query.now();
        switch (query.validity()) {
            case ANY -> { }
            case ACTIVE -> {
                statementText.append(" and revocation_reason is null and not_before <= ? and not_after > ?");
                parameters.add((statement, index) -> Sql.setInstant(statement, index, now));
                parameters.add((statement, index) -> Sql.setInstant(statement, index, now));
            }
            case EXPIRED -> {
                statementText.append(" and not_after <= ?");
                parameters.add((statement, index) -> Sql.setInstant(statement, index, now));
            }
            case REVOKED -> statementText.append(" and revocation_reason is not null");
            default -> throw new IllegalStateException("unknown validity " + query.validity());
        }
        if (after.isPresent()) {
            Position position = after.get();
            // A row value comparison, which both databases take and PostgreSQL answers by seeking the index.
            statementText.append(" and (issued_at, serial_number) < (?, ?)");
            parameters.add((statement, index) -> Sql.setInstant(statement, index, position.issuedAt()));
            parameters.add((statement, index) -> statement.setString(index, position.serialHex()));
        }
        // One row more than the page tells whether there is a next page.
        statementText.append(" order by issued_at desc, serial_number desc fetch first ? rows only");
        parameters.add((statement, index) -> statement.setInt(index, query.pageSize() + 1));

        List<Row> rows;
        try {
            rows = sql.query(statementText.toString(), statement -> {
                for (int i = 0; i < parameters.size(); i++) {
                    parameters.get(i).bind(statement, i + 1);
                }
            }, row -> new Row(read(row), Sql.getInstant(row, "issued_at")));
        } catch (StorageException e) {
            throw unavailableOr(e);
        }

        if (rows.size() <= query.pageSize()) {
            return new SearchPage(rows.stream().map(Row::certificate).toList(), Optional.empty());
        }
        List<Row> page = rows.subList(0, query.pageSize());
        Row last = page.get(page.size() - 1);
        return new SearchPage(page.stream().map(Row::certificate).toList(),
                Optional.of(new Position(last.issuedAt(), last.certificate().serialHex()).encode()));
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

    /** The serial as stored: upper-case hex without leading zeros. */
    static String hex(BigInteger serialNumber) {
        return serialNumber.toString(16).toUpperCase(Locale.ROOT);
    }

    /** The text with LIKE's wildcards and the escape character escaped, so that it matches literally. */
    static String escapeLike(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                escaped.append('!');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    @FunctionalInterface
    private interface Parameter {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    private record Row(IssuedCertificate certificate, Instant issuedAt) {
    }

    /** Where a page stopped: the last row's sort key. */
    private record Position(Instant issuedAt, String serialHex) {

        String encode() {
            String plain = TOKEN_VERSION + ":" + issuedAt.getEpochSecond() + ":" + issuedAt.getNano() + ":" + serialHex;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
        }

        /** @throws IllegalArgumentException with a message safe to show the client */
        static Position decode(String token) {
            Position position = token.length() <= MAX_TOKEN_LENGTH ? parse(token) : null;
            if (position == null) {
                throw new IllegalArgumentException("the continuation token is not valid; start the search again without one");
            }
            return position;
        }

        private static Position parse(String token) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
                Matcher parts = TOKEN.matcher(plain);
                if (!parts.matches()) {
                    return null;
                }
                Instant issuedAt = Instant.ofEpochSecond(Long.parseLong(parts.group(1)), Long.parseLong(parts.group(2)));
                return issuedAt.isBefore(EARLIEST) || issuedAt.isAfter(LATEST) ? null : new Position(issuedAt, parts.group(3));
            } catch (IllegalArgumentException | DateTimeException e) {
                return null;
            }
        }
    }

    private static IssuedCertificate read(ResultSet row) throws SQLException {
        String bindingKind = row.getString("binding_kind");
        Optional<DirectoryBinding> binding = bindingKind == null
                ? Optional.empty()
                : Optional.of(new DirectoryBinding(
                        BindingKindColumn.type(bindingKind), row.getObject("binding_object_id", UUID.class)));
        short reason = row.getShort("revocation_reason");
        Optional<Revocation> revocation = row.wasNull()
                ? Optional.empty()
                : Optional.of(new Revocation(reason, Sql.getInstant(row, "revoked_at"), row.getString("revoked_by")));
        return new IssuedCertificate(
                new BigInteger(row.getString("serial_number"), 16),
                row.getString("issuer"),
                row.getString("subject"),
                splitLines(row.getString("subject_alt_names")),
                Sql.getInstant(row, "not_before"),
                Sql.getInstant(row, "not_after"),
                row.getString("endpoint"),
                row.getString("requester"),
                Optional.ofNullable(row.getString("transaction_id")),
                binding,
                revocation,
                row.getBytes("der"),
                Optional.ofNullable(row.getBytes("request_sha256")));
    }

    /** SANs one a line: a SAN value with a line break in it has no place in a certificate we issue. */
    private static String joinLines(List<String> values) {
        for (String value : values) {
            if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a subject alternative name is empty or has a line break: " + value);
            }
        }
        return String.join("\n", values);
    }

    private static List<String> splitLines(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\n", -1));
    }
}
