package dev.scepter.installer.local;

import dev.scepter.settings.StoreSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.nio.file.Path;

/** Opens the store the settings name: PostgreSQL (or any JDBC URL) when given, else the embedded H2 file. */
public final class StorageFactory {

    private StorageFactory() {
    }

    public static JdbcStorage open(Path dataDir, StoreSettings store) {
        return store.databaseUrl()
                .map(url -> JdbcStorage.connect(url, store.databaseUser().orElse(null), store.databasePassword().orElse(null)))
                .orElseGet(() -> JdbcStorage.embedded(dataDir));
    }
}
