package dev.scepter.azure.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import dev.scepter.authority.store.AcmeStore;
import dev.scepter.authority.store.AcmeStoreContract;
import dev.scepter.authority.store.Storage;
import dev.scepter.azure.sim.AzuriteServer;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    /**
     * An account as the version before profiles wrote it: no {@code Profile}, its key in partition
     * {@code key}. It reads, is found by its key and is counted as {@code default}'s.
     */
    @Test
    void anAccountWrittenBeforeProfilesIsDefaults() {
        TableClient table = new TableServiceClientBuilder()
                .connectionString(azurite.connectionString()).buildClient().getTableClient(Tables.ACME);
        Instant created = Instant.parse("2026-01-02T03:04:05Z");
        table.createEntity(new TableEntity("account", Tables.key("legacy-1"))
                .addProperty("Thumbprint", "legacy-thumb").addProperty("Jwk", "{}").addProperty("Status", "valid")
                .addProperty("Contact", "mailto:old@example.com").addProperty("CreatedAt", Tables.time(created)).addProperty("Version", 0L));
        table.createEntity(new TableEntity("key", Tables.key("legacy-thumb")).addProperty("AccountId", "legacy-1"));

        AcmeStore acme = storage.acmeStore();
        assertThat(acme.accountByKey("default", "legacy-thumb")).hasValueSatisfying(account -> {
            assertThat(account.id()).isEqualTo("legacy-1");
            assertThat(account.profile()).isEqualTo("default");
            assertThat(account.contact()).containsExactly("mailto:old@example.com");
        });
        assertThat(acme.accountByKey("lab", "legacy-thumb")).isEmpty();
        assertThat(acme.accounts("default")).isEqualTo(1);
        assertThat(acme.accounts("lab")).isZero();
    }
}
