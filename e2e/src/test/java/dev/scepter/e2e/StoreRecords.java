package dev.scepter.e2e;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the running server's embedded H2 store the way a second process may: through H2's
 * automatic mixed mode ({@code AUTO_SERVER=TRUE}), as {@code JdbcStorage.embedded} opens it. Table
 * and columns are those of store-jdbc's {@code V1__certificates_tokens_audit.sql}.
 */
final class StoreRecords {

    private StoreRecords() {
    }

    /** One row of {@code issued_certificate}. */
    record IssuedCertificateRow(String serialNumber, String subject, String endpoint, byte[] der) {
    }

    /**
     * The issued certificate recorded with this serial, as {@code openssl x509 -serial} prints it
     * (upper-case hex, maybe with a leading zero; the store keeps none).
     */
    static Optional<IssuedCertificateRow> issuedCertificate(Path dataDir, String opensslSerial) throws SQLException, java.io.IOException {
        String stored = new BigInteger(opensslSerial, 16).toString(16).toUpperCase(Locale.ROOT);
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("scepter") + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE";
        String password = java.nio.file.Files.readString(dataDir.resolve("database-password")).strip();
        try (Connection connection = DriverManager.getConnection(url, "sa", password);
                PreparedStatement query = connection.prepareStatement(
                        "select serial_number, subject, endpoint, der from issued_certificate where serial_number = ?")) {
            query.setString(1, stored);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new IssuedCertificateRow(row.getString(1), row.getString(2), row.getString(3), row.getBytes(4)));
            }
        }
    }
}
