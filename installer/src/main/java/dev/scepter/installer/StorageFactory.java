package dev.scepter.installer;

import dev.scepter.authority.store.Storage;
import dev.scepter.settings.StoreSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.nio.file.Path;

/**
 * Opens the storage the settings name: the one place that chooses a {@link Storage} adapter.
 * {@code AppConfig:Database:Url} names a JDBC database (PostgreSQL, or any URL whose driver is on
 * the class path); without it, the embedded H2 file of the data folder. Azure Table Storage
 * (a later issue) is chosen here too, by its own setting, before the JDBC choices.
 */
public final class StorageFactory {

    private StorageFactory() {
    }

    /** @throws RuntimeException when the storage cannot be opened; the message names no password */
    public static Storage open(Path dataDir, StoreSettings store) {
        return store.databaseUrl()
                .map(url -> JdbcStorage.connect(url, store.databaseUser().orElse(null), store.databasePassword().orElse(null)))
                .orElseGet(() -> JdbcStorage.embedded(dataDir));
    }
}
