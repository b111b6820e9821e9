package dev.scepter.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.authority.audit.AuditEvent;
import dev.scepter.authority.audit.AuditLog;
import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.store.DirectoryBinding;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.SerialNumberCollisionException;
import dev.scepter.authority.store.StorageContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The storage contract on a database behind {@link JdbcStorage}: the hooks that look past the
 * port read and write the schema with SQL. A subclass says how to get an empty database.
 */
public abstract class JdbcStorageContract extends StorageContract {

    @Override
    protected abstract JdbcStorage openStorage();

    /** A database no Scepter has opened yet: its JDBC URL, user and password. */
    protected abstract String[] unmigratedDatabase();

    @Test
    void theThumbprintMigrationFillsEveryRowRecordedBeforeIt() throws Exception {
        String[] database = unmigratedDatabase();
        org.flywaydb.core.Flyway.configure().dataSource(database[0], database[1], database[2]).locations("classpath:db/migration")
                .target("6").load().migrate();
        // More rows than the migration reads at a time (its fetch size), so PostgreSQL reads them through a cursor.
        int rows = 2_500;
        byte[] last = null;
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database[0], database[1], database[2]);
                var insert = connection.prepareStatement("insert into issued_certificate (issuer, serial_number, subject, subject_alt_names,"
                        + " not_before, not_after, endpoint, requester, der) values (?, ?, ?, '', ?, ?, 'api', 'token', ?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, ISSUER);
                insert.setString(2, String.format("50%04X", i));
                insert.setString(3, "CN=old-" + i);
                insert.setObject(4, java.time.OffsetDateTime.parse("2025-01-01T00:00:00Z"));
                insert.setObject(5, java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
                last = der(400);
                insert.setBytes(6, last);
                insert.addBatch();
            }
            insert.executeBatch();
        }

        try (JdbcStorage upgraded = JdbcStorage.connect(database[0], database[1], database[2])) {
            String thumbprint = IssuedCertificate.thumbprint(last);
            assertThat(upgraded.certificateStore().search(ISSUER, query(java.util.Optional.of(thumbprint.toLowerCase(java.util.Locale.ROOT)),
                    dev.scepter.authority.store.SearchQuery.Validity.ANY, 10, null)).items())
                    .extracting(IssuedCertificate::subject).containsExactly("CN=old-" + (rows - 1));
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database[0], database[1], database[2]);
                    java.sql.Statement statement = connection.createStatement();
                    java.sql.ResultSet count = statement.executeQuery("select count(*) from issued_certificate where thumbprint is null")) {
                count.next();
                assertThat(count.getLong(1)).as("rows left without a thumbprint").isZero();
            }
        }
    }

    @Test
    void anAcmeAccountMadeBeforeProfilesIsTheDefaultProfilesAfterTheMigration() throws Exception {
        String[] database = unmigratedDatabase();
        org.flywaydb.core.Flyway.configure().dataSource(database[0], database[1], database[2]).locations("classpath:db/migration")
                .javaMigrations(new V7__Thumbprint()).target("8").load().migrate();
        try (Connection connection = java.sql.DriverManager.getConnection(database[0], database[1], database[2]);
                PreparedStatement insert = connection.prepareStatement("insert into acme_account (id, thumbprint, jwk, status, contact,"
                        + " external_account, created_at, version) values ('old-1', 'old-thumb', '{}', 'valid', 'mailto:old@example.com', null, ?, 3)")) {
            insert.setObject(1, OffsetDateTime.parse("2026-01-02T03:04:05Z"));
            insert.executeUpdate();
        }

        try (JdbcStorage upgraded = JdbcStorage.connect(database[0], database[1], database[2])) {
            var acme = upgraded.acmeStore();
            assertThat(acme.accountByKey("default", "old-thumb")).hasValueSatisfying(account -> {
                assertThat(account.id()).isEqualTo("old-1");
                assertThat(account.profile()).isEqualTo("default");
                assertThat(account.contact()).containsExactly("mailto:old@example.com");
                assertThat(account.version()).isEqualTo(3);
            });
            assertThat(acme.accounts("default")).isEqualTo(1);
            assertThat(acme.accountByKey("lab", "old-thumb")).isEmpty();
            // The key is unique per profile now: the same key makes an account of its own in another profile.
            var lab = acme.createAccount(new dev.scepter.authority.store.AcmeStore.Account("new-1", "lab", "{}", "old-thumb",
                    dev.scepter.authority.store.AcmeStore.Status.VALID, java.util.List.of(), java.util.Optional.empty(), Instant.parse("2026-12-07T12:00:00Z"), 0));
            assertThat(lab.id()).isEqualTo("new-1");
            assertThat(acme.accountByKey("default", "old-thumb")).hasValueSatisfying(account -> assertThat(account.id()).isEqualTo("old-1"));
        }
    }

    @Test
    void eachBindingKindIsStoredAsTheValueRowsHaveHeldSinceTheFirstSchema() throws Exception {
        // Rows written by earlier versions must stay readable, so a kind's stored value never changes.
        Map<DirectoryObjectType, String> stored = Map.of(
                DirectoryObjectType.DEVICE, "DEVICE",
                DirectoryObjectType.INTUNE_DEVICE, "INTUNE_DEVICE",
                DirectoryObjectType.USER, "USER",
                DirectoryObjectType.DOMAIN_CONTROLLER, "DOMAIN_CONTROLLER",
                DirectoryObjectType.JAMF_COMPUTER, "JAMF_COMPUTER",
                DirectoryObjectType.JAMF_MOBILE_DEVICE, "JAMF_MOBILE_DEVICE",
                DirectoryObjectType.JAMF_USER, "JAMF_USER",
                DirectoryObjectType.JAMF_USER_ON_COMPUTER, "JAMF_USER_ON_COMPUTER",
                DirectoryObjectType.JAMF_USER_ON_MOBILE_DEVICE, "JAMF_USER_ON_MOBILE_DEVICE");
        assertThat(stored.keySet()).containsExactlyInAnyOrder(DirectoryObjectType.values());
        for (Map.Entry<DirectoryObjectType, String> kind : stored.entrySet()) {
            IssuedCertificate certificate = withBinding(certificate(serial(0x40)), new DirectoryBinding(kind.getKey(), UUID.randomUUID()));
            storage.certificateStore().record(certificate);
            assertThat(column("select binding_kind from issued_certificate where serial_number = '" + certificate.serialHex() + "'"))
                    .isEqualTo(kind.getValue());
        }
    }

    @Test
    void aCertificateAndItsAuditLineAreCommittedTogether() throws Exception {
        IssuedCertificate certificate = certificate(serial(0x50));
        AuditEvent issuance = issuance(certificate.serialHex());

        assertThat(storage.certificateStore().recordWithAudit(certificate, issuance, storage.auditLog())).isTrue();

        assertThat(storage.certificateStore().find(ISSUER, certificate.serialNumber())).isPresent();
        assertThat(storage.auditLog().latest(10)).containsExactly(issuance);
    }

    /** A collision rolls the whole transaction back: the audit line is not kept without its certificate. */
    @Test
    void aSerialCollisionCommitsNeitherTheCertificateNorItsAuditLine() throws Exception {
        IssuedCertificate first = certificate(serial(0x50));
        storage.certificateStore().record(first);
        IssuedCertificate second = certificate(first.serialNumber(), "CN=second", java.util.List.of(), "challenge");

        assertThatThrownBy(() -> storage.certificateStore().recordWithAudit(second, issuance(second.serialHex()), storage.auditLog()))
                .isInstanceOf(SerialNumberCollisionException.class);

        assertThat(storage.auditLog().latest(10)).isEmpty();
        assertThat(storage.certificateStore().find(ISSUER, first.serialNumber()).orElseThrow().subject()).isEqualTo(first.subject());
        assertThat(storage.certificateStore().count()).isEqualTo(1);
    }

    /** An audit line the table refuses (longer than its target column) does not cost the certificate its record. */
    @Test
    void anAuditLineTheTrailRefusesLeavesTheCertificateRecorded() throws Exception {
        IssuedCertificate certificate = certificate(serial(0x50));
        AuditEvent tooLong = issuance(certificate.serialHex() + " subject \"CN=" + "x".repeat(1_100) + "\"");

        assertThat(storage.certificateStore().recordWithAudit(certificate, tooLong, storage.auditLog())).isFalse();

        assertThat(storage.certificateStore().find(ISSUER, certificate.serialNumber())).isPresent();
        assertThat(storage.auditLog().latest(10)).isEmpty();
    }

    /** A trail kept elsewhere is the caller's to append to: the store records the certificate only. */
    @Test
    void aTrailInAnotherDatabaseIsLeftToTheCaller() throws Exception {
        IssuedCertificate certificate = certificate(serial(0x50));
        java.util.List<AuditEvent> elsewhere = new java.util.ArrayList<>();
        AuditLog other = new AuditLog() {
            @Override
            public void append(AuditEvent event) {
                elsewhere.add(event);
            }

            @Override
            public java.util.List<AuditEvent> latest(int limit) {
                return elsewhere;
            }
        };

        assertThat(storage.certificateStore().recordWithAudit(certificate, issuance(certificate.serialHex()), other)).isFalse();

        assertThat(storage.certificateStore().find(ISSUER, certificate.serialNumber())).isPresent();
        assertThat(storage.auditLog().latest(10)).isEmpty();
        assertThat(elsewhere).isEmpty();
    }

    private static AuditEvent issuance(String target) {
        return new AuditEvent(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), "endpoint scep (127.0.0.1)",
                "certificate.issue", target, "success");
    }

    @Override
    protected void setIssuedAt(IssuedCertificate certificate, Instant issuedAt) throws Exception {
        try (Connection connection = jdbc().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "update issued_certificate set issued_at = ? where issuer = ? and serial_number = ?")) {
            statement.setObject(1, OffsetDateTime.ofInstant(issuedAt, ZoneOffset.UTC));
            statement.setString(2, certificate.issuer());
            statement.setString(3, certificate.serialHex());
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    @Override
    protected String storedSerialNumber() throws Exception {
        return column("select serial_number from issued_certificate");
    }

    @Override
    protected long storedDirectoryObjects(DirectoryObjectType type) throws Exception {
        return Long.parseLong(column("select count(*) from " + directoryTable(type)));
    }

    @Override
    protected long storedDirectoryObjectsWithUpdateTime(DirectoryObjectType type) throws Exception {
        return Long.parseLong(column("select count(*) from " + directoryTable(type) + " where updated_at is not null"));
    }

    @Override
    protected String storedTokenRoles() throws Exception {
        return column("select roles from api_token");
    }

    protected JdbcStorage jdbc() {
        return (JdbcStorage) storage;
    }

    private static String directoryTable(DirectoryObjectType type) {
        return switch (type) {
            case DEVICE -> "directory_device";
            case USER -> "directory_user";
            default -> throw new IllegalArgumentException("no table for " + type);
        };
    }

    /** The single value a query returns, read straight from the database. */
    protected String column(String sql) throws Exception {
        try (Connection connection = jdbc().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from: " + sql).isTrue();
            String value = rows.getString(1);
            assertThat(rows.next()).as("only one row from: " + sql).isFalse();
            return value;
        }
    }
}
