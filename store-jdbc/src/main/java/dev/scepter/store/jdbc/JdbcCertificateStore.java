package dev.scepter.store.jdbc;

import dev.scepter.authority.store.CertificateStore;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.SerialNumberCollisionException;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link CertificateStore} on the {@code issued_certificate} table (H2 or PostgreSQL). The
 * primary key {@code (issuer, serial_number)} is what catches a serial collision, so nodes that
 * share the database never coordinate to issue. Serials are kept as upper-case hex without
 * leading zeros, the form of {@link IssuedCertificate#serialHex()}; times to the microsecond.
 * Expects the schema that {@link JdbcStorage} migrates.
 */
public final class JdbcCertificateStore implements CertificateStore {

    private static final String COLUMNS = "issuer, serial_number, subject, subject_alt_names, not_before, not_after,"
            + " endpoint, requester, transaction_id, binding_kind, binding_object_id,"
            + " revocation_reason, revoked_at, revoked_by, der";

    private static final String INSERT = "insert into issued_certificate (" + COLUMNS + ")"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String FIND = "select " + COLUMNS
            + " from issued_certificate where issuer = ? and serial_number = ?";

    private static final String COUNT = "select count(*) from issued_certificate";

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
                statement.setString(10, binding.map(b -> b.kind().name()).orElse(null));
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
            });
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw new SerialNumberCollisionException(certificate.serialNumber(), e);
            }
            throw Sql.failed(INSERT, e);
        }
    }

    @Override
    public Optional<IssuedCertificate> find(String issuer, BigInteger serialNumber) {
        return sql.queryOne(FIND, statement -> {
            statement.setString(1, issuer);
            statement.setString(2, hex(serialNumber));
        }, JdbcCertificateStore::read);
    }

    @Override
    public long count() {
        return sql.queryOne(COUNT, statement -> { }, row -> row.getLong(1)).orElseThrow();
    }

    /** The serial as stored: upper-case hex without leading zeros. */
    static String hex(BigInteger serialNumber) {
        return serialNumber.toString(16).toUpperCase(Locale.ROOT);
    }

    private static IssuedCertificate read(ResultSet row) throws SQLException {
        String bindingKind = row.getString("binding_kind");
        Optional<DirectoryBinding> binding = bindingKind == null
                ? Optional.empty()
                : Optional.of(new DirectoryBinding(
                        DirectoryBinding.Kind.valueOf(bindingKind), row.getObject("binding_object_id", UUID.class)));
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
                row.getBytes("der"));
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
