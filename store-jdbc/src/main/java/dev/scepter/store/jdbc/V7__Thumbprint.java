package dev.scepter.store.jdbc;

import dev.scepter.authority.store.IssuedCertificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Scepter's schema, version 7: {@code issued_certificate.thumbprint}, the certificate's SHA-1
 * thumbprint in upper-case hex (what Windows and SCEPman show), which the search matches. In Java
 * because neither H2 nor PostgreSQL (without pgcrypto) computes SHA-1 of the stored DER alike:
 * the column is added, then every existing row is filled from its DER, in one transaction.
 * Registered with Flyway by {@link MigratedDatabase}, not found by a classpath scan.
 */
public final class V7__Thumbprint extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("alter table issued_certificate add column thumbprint varchar(40)");
        }
        try (Statement select = connection.createStatement()) {
            // PostgreSQL's driver otherwise reads every row, DER included, into the heap before the first
            // (a million certificates is more than a node's heap); with a fetch size inside Flyway's
            // transaction it reads them through a cursor. H2 reads lazily anyway.
            select.setFetchSize(1_000);
            fill(connection, select);
        }
    }

    private static void fill(Connection connection, Statement select) throws SQLException {
        try (ResultSet rows = select.executeQuery("select issuer, serial_number, der from issued_certificate");
                PreparedStatement update = connection.prepareStatement(
                        "update issued_certificate set thumbprint = ? where issuer = ? and serial_number = ?")) {
            int batched = 0;
            while (rows.next()) {
                update.setString(1, IssuedCertificate.thumbprint(rows.getBytes("der")));
                update.setString(2, rows.getString("issuer"));
                update.setString(3, rows.getString("serial_number"));
                update.addBatch();
                if (++batched % 500 == 0) {
                    update.executeBatch();
                }
            }
            update.executeBatch();
        }
    }
}
