package dev.scepter.installer.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.authority.store.Storage;
import dev.scepter.installer.StorageFactory;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.RawSettings;
import dev.scepter.settings.ScepterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's files are named twice: by the JDBC adapter, which makes them, and by
 * {@link DataFolder}, which the installer reads them by (store-jdbc depends on no settings).
 */
class DataFolderLayoutTest {

    @TempDir
    Path dataDir;

    @Test
    void theEmbeddedStorageMakesItsFilesWhereTheDataFolderNamesThem() throws Exception {
        DataFolder folder = new DataFolder(dataDir);
        try (Storage storage = StorageFactory.open(dataDir, ScepterSettings.bind(RawSettings.of(Map.of())).store())) {
            assertThat(storage.describe()).isEqualTo("H2 (embedded, " + folder.embeddedDatabase() + ")");
        }

        assertThat(folder.embeddedDatabase()).isRegularFile();
        assertThat(folder.embeddedDatabasePassword()).isRegularFile();
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder(DataFolder.EMBEDDED_DATABASE, DataFolder.EMBEDDED_DATABASE_PASSWORD);
        }
    }
}
