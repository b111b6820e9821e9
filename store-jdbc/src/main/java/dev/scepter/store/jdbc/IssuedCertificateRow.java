package dev.scepter.store.jdbc;

import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Revocation;
import dev.scepter.authority.store.StoredBindingKind;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link IssuedCertificate} as a row of {@code issued_certificate}, both ways: the columns,
 * and the forms values take in them. Serials are kept as upper-case hex without leading zeros,
 * the form of {@link IssuedCertificate#serialHex()}; times to the microsecond; subject
 * alternative names one a line. The certificate store and its search read rows alike through it.
 */
final class IssuedCertificateRow {

    /** Every column of a certificate, in the order {@link #insertBinder} binds them. */
    static final String COLUMNS = "issuer, serial_number, subject, subject_alt_names, not_before, not_after,"
            + " endpoint, requester, transaction_id, binding_kind, binding_object_id,"
            + " revocation_reason, revoked_at, revoked_by, der, request_sha256";

    /** {@link #COLUMNS} and the thumbprint, which only the search reads (V7). */
    static final String INSERT = "insert into issued_certificate (" + COLUMNS + ", thumbprint)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * Times outside these are not bound as parameters (PostgreSQL keeps 4713 BC to 294276 AD):
     * {@code issued_at} is the database's clock, so an earlier bound means everything and a later
     * one nothing.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private IssuedCertificateRow() {
    }

    /**
     * Binds the certificate to {@link #INSERT}'s parameters.
     *
     * @throws IllegalArgumentException at once, before any connection is taken, when a subject
     *                                  alternative name cannot be kept one a line
     */
    static Sql.Binder insertBinder(IssuedCertificate certificate) {
        String subjectAltNames = joinLines(certificate.subjectAltNames());
        return statement -> {
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
            statement.setString(10, binding.map(b -> StoredBindingKind.value(b.type())).orElse(null));
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
            statement.setString(17, IssuedCertificate.thumbprint(certificate.der()));
        };
    }

    /** The certificate of a row selected with {@link #COLUMNS}. */
    static IssuedCertificate read(ResultSet row) throws SQLException {
        String bindingKind = row.getString("binding_kind");
        Optional<DirectoryBinding> binding = bindingKind == null
                ? Optional.empty()
                : Optional.of(new DirectoryBinding(
                        StoredBindingKind.type(bindingKind), row.getObject("binding_object_id", UUID.class)));
        short reason = row.getShort("revocation_reason");
        Optional<Revocation> revocation = row.wasNull()
                ? Optional.empty()
                : Optional.of(new Revocation(reason, Sql.getInstant(row, "revoked_at"), row.getString("revoked_by")));
        return new IssuedCertificate(
                serial(row),
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

    /** The serial as stored: upper-case hex without leading zeros. */
    static String hex(BigInteger serialNumber) {
        return serialNumber.toString(16).toUpperCase(Locale.ROOT);
    }

    /** The row's {@code serial_number}, stored by {@link #hex}. */
    static BigInteger serial(ResultSet row) throws SQLException {
        return new BigInteger(row.getString("serial_number"), 16);
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
