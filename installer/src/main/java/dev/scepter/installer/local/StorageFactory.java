package dev.scepter.installer.local;

import dev.scepter.settings.ScepterSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.nio.file.Path;

/** Opens the store the settings name: PostgreSQL (or any JDBC URL) when given, else the embedded H2 file. */
public final class StorageFactory {

    private StorageFactory() {
    }

    public static JdbcStorage open(Path dataDir, ScepterSettings settings) {
        return settings.databaseUrl()
                .map(url -> JdbcStorage.connect(url, settings.databaseUser().orElse(null), settings.databasePassword().orElse(null)))
                .orElseGet(() -> JdbcStorage.embedded(dataDir));
    }
}
