package dev.scepter.azure.tables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.directory.DirectoryObjectType;
import dev.scepter.authority.store.IssuedCertificate;
import dev.scepter.authority.store.Storage;
import dev.scepter.authority.store.StorageContract;
import dev.scepter.azure.sim.AzuriteServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on Azure Table Storage, against a real Azurite started for this class:
 * the same suite the H2 and PostgreSQL stores pass. The hooks that look past the port read the
 * tables' entities.
 */
class TableStorageContractTest extends StorageContract {

    @TempDir
    static Path workspace;

    static AzuriteServer azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = AzuriteServer.startInMemory(workspace);
        try (TableStorage tables = TableStorage.connect(azurite.connectionString())) {
            tables.createTablesIfMissing();
        }
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected void prepareEmptyDatabase() {
        try (TableStorage tables = TableStorage.connect(azurite.connectionString())) {
            tables.deleteEverything();
        }
    }

    @Override
    protected Storage openStorage() {
        return TableStorage.connect(azurite.connectionString());
    }

    private TableStorage tables() {
        return (TableStorage) storage;
    }

    @Override
    protected void setIssuedAt(IssuedCertificate certificate, Instant issuedAt) {
        tables().setRecordedAt(certificate.issuer(), certificate.serialNumber(), issuedAt);
    }

    @Override
    protected String storedSerialNumber() {
        List<Map<String, Object>> certificates = tables().entities(Tables.CERTIFICATES);
        assertThat(certificates).hasSize(1);
        assertThat(certificates.get(0).get("SerialNumber")).isEqualTo(certificates.get(0).get("RowKey"));
        return (String) certificates.get(0).get("RowKey");
    }

    @Override
    protected long storedDirectoryObjects(DirectoryObjectType type) {
        return directoryRows(type).size();
    }

    @Override
    protected long storedDirectoryObjectsWithUpdateTime(DirectoryObjectType type) {
        return directoryRows(type).stream().filter(row -> row.get("UpdatedAt") != null).count();
    }

    @Override
    protected String storedTokenRoles() {
        List<Map<String, Object>> tokens = tables().entities(Tables.API_TOKENS);
        assertThat(tokens).hasSize(1);
        return (String) tokens.get(0).get("Roles");
    }

    private List<Map<String, Object>> directoryRows(DirectoryObjectType type) {
        return tables().entities(Tables.EMBEDDED_DIRECTORY).stream().filter(row -> switch (type) {
            case DEVICE -> TableEmbeddedDirectory.DEVICES.equals(row.get("PartitionKey"));
            case USER -> TableEmbeddedDirectory.USERS.equals(row.get("PartitionKey"))
                    && ((String) row.get("RowKey")).startsWith(TableEmbeddedDirectory.USER_ROW);
            default -> throw new IllegalArgumentException("no rows for " + type);
        }).toList();
    }
}
