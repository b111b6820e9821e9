package dev.scepter.azure.tables;

import dev.scepter.authority.store.AcmeStoreContract;
import dev.scepter.authority.store.Storage;
import dev.scepter.azure.sim.AzuriteServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The ACME store contract on Azure Table Storage, against a real Azurite started for this class. */
class TableAcmeStoreContractTest extends AcmeStoreContract {

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
}
