package dev.scepter.installer;

import dev.scepter.authority.store.Storage;
import dev.scepter.azure.signin.AccessTokens;
import dev.scepter.azure.signin.SignIn;
import dev.scepter.azure.tables.TableStorage;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import dev.scepter.settings.StoreSettings;
import dev.scepter.store.jdbc.JdbcStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Opens the storage the settings name: the one place that chooses a {@link Storage} adapter.
 * Azure Table Storage first ({@code AppConfig:CertificateStorage:TableStorageEndpoint} with this
 * instance's sign-in, or {@code AppConfig:CertificateStorage:ConnectionString}); then
 * {@code AppConfig:Database:Url}, a JDBC database (PostgreSQL, or any URL whose driver is on the
 * class path); without either, the embedded H2 file of the data folder. The settings refuse two
 * of them at once.
 */
public final class StorageFactory {

    private StorageFactory() {
    }

    /**
     * @param signIn this instance's sign-in to Microsoft's cloud, asked for only when the table
     *               endpoint is the storage (the caller's, so that one instance signs in once)
     * @throws RuntimeException when the storage cannot be opened; the message names no password or key
     */
    public static Storage open(Path dataDir, ScepterSettings settings, Supplier<AccessTokens> signIn) {
        StoreSettings store = settings.store();
        if (store.tableStorageEndpoint().isPresent()) {
            return TableStorage.open(store.tableStorageEndpoint().get(), signIn.get());
        }
        return open(dataDir, store);
    }

    /** With a sign-in of its own, for commands that open nothing else of Microsoft's cloud. */
    public static Storage open(Path dataDir, ScepterSettings settings) {
        return open(dataDir, settings, () -> SignIn.open(settings, Clock.systemUTC()));
    }

    /**
     * Every storage but the table endpoint, which needs the sign-in settings ({@link #open(Path, ScepterSettings)}).
     *
     * @throws RuntimeException when the storage cannot be opened; the message names no password or key
     */
    public static Storage open(Path dataDir, StoreSettings store) {
        if (store.tableStorageConnectionString().isPresent()) {
            try {
                return TableStorage.connect(store.tableStorageConnectionString().get());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Setting.TABLE_STORAGE_CONNECTION_STRING.key() + ": " + e.getMessage(), null);
            }
        }
        if (store.tableStorageEndpoint().isPresent()) {
            throw new IllegalStateException(Setting.TABLE_STORAGE_ENDPOINT.key() + " is reached with this instance's sign-in: "
                    + "open the storage with the settings");
        }
        return store.databaseUrl()
                .map(url -> JdbcStorage.connect(url, store.databaseUser().orElse(null), store.databasePassword().orElse(null)))
                .orElseGet(() -> JdbcStorage.embedded(dataDir));
    }
}
