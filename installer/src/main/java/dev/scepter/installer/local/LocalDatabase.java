package dev.scepter.installer.local;

import static dev.scepter.settings.DataFolder.EMBEDDED_DATABASE;
import static dev.scepter.settings.DataFolder.EMBEDDED_DATABASE_PASSWORD;

import dev.scepter.authority.store.Storage;
import dev.scepter.authority.store.StoreUnavailableException;
import dev.scepter.azure.tables.TableStorage;
import dev.scepter.installer.InstallationException;
import dev.scepter.installer.Step;
import dev.scepter.settings.DataFolder;
import dev.scepter.settings.ScepterSettings;
import dev.scepter.settings.Setting;
import dev.scepter.store.jdbc.JdbcStorage;
import dev.scepter.store.jdbc.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The database of a local installation as one plan sees it: whether it is there, what it holds,
 * and the steps that make it current. One instance per plan, so that what it read is read again
 * for the next plan (after the steps of this one changed it).
 */
final class LocalDatabase {

    private final Path dataDir;
    private final DataFolder folder;
    private final ScepterSettings settings;
    private final Supplier<? extends Storage> storage;
    private JdbcStorage.Inspection inspection;
    private boolean pending;
    /** How long to wait for another process or node that holds the embedded database open (copying it, most likely). */
    private java.time.Duration inUsePatience = EmbeddedToTableStorage.IN_USE_PATIENCE;
    /** The tables this plan creates, when the storage is Azure Table Storage. */
    private List<String> missingTables;

    LocalDatabase(Path dataDir, DataFolder folder, ScepterSettings settings, Supplier<? extends Storage> storage) {
        this.dataDir = dataDir;
        this.folder = folder;
        this.settings = settings;
        this.storage = storage;
    }

    /** For tests: how long to wait for an embedded database another process holds. */
    LocalDatabase inUsePatience(java.time.Duration patience) {
        this.inUsePatience = patience;
        return this;
    }

    /** The schema is Flyway's; opening the store applies what is pending, so these steps only open it. */
    void plan(List<Step> plan) throws InstallationException {
        if (settings.store().tableStorage()) {
            planTables(plan);
            return;
        }
        if (!exists()) {
            plan.add(new Step("Create the embedded database " + EMBEDDED_DATABASE + " (its password generated into "
                    + EMBEDDED_DATABASE_PASSWORD + ") and its schema", storage::get));
            return;
        }
        if (settings.store().databaseUrl().isEmpty() && JdbcStorage.embeddedNeedsPassword(dataDir)) {
            // Earlier versions made it as "sa" with no password: any account on this machine could open it.
            plan.add(new Step("Give the embedded database a password (it has none), generated into " + EMBEDDED_DATABASE_PASSWORD,
                    () -> JdbcStorage.protectEmbedded(dataDir)));
            pending = true;
        }
        List<String> migrations = inspection().pendingMigrations();
        if (!migrations.isEmpty()) {
            pending = true;
            plan.add(new Step("Migrate the database schema (" + String.join(", ", migrations) + ")", storage::get));
        }
    }

    /** Azure Table Storage has no schema: its tables are created when missing, and the others left as they are. */
    private void planTables(List<Step> plan) throws InstallationException {
        List<String> missing = missingTables();
        if (!missing.isEmpty()) {
            TableStorage tables = tables();
            plan.add(new Step("Create the tables " + String.join(", ", missing) + " in " + tables.describe(),
                    tables::createTablesIfMissing));
        }
        planCopyFromEmbedded(plan);
    }

    /**
     * An installation that kept its certificates in the embedded H2 database before it used Table
     * Storage does not lose them in the switch: they are copied into the table once (idempotent,
     * checked, H2 kept as a backup), before this instance serves from the table.
     */
    private void planCopyFromEmbedded(List<Step> plan) throws InstallationException {
        if (!EmbeddedToTableStorage.pending(dataDir, folder.embeddedDatabase())) {
            return;
        }
        long certificates;
        try {
            Optional<Long> counted = EmbeddedToTableStorage.whileInUse(dataDir, folder.embeddedDatabase(),
                    () -> JdbcStorage.inspectEmbedded(dataDir).certificates(), inUsePatience);
            if (counted.isEmpty()) {
                return;
            }
            certificates = counted.get();
        } catch (StorageException e) {
            if (EmbeddedToTableStorage.inUse(e)) {
                throw new InstallationException("The settings put the certificates in Azure Table Storage (" + tableSetting() + "), and "
                        + folder.embeddedDatabase() + ", which holds those this installation recorded before, is still in use by another"
                        + " process or node sharing the data folder after " + inUsePatience.toSeconds() + " seconds (it copies them,"
                        + " or serves from it): start again once it has finished; the copy is continued where it stopped.", e);
            }
            throw new InstallationException("The settings put the certificates in Azure Table Storage (" + tableSetting() + "), and "
                    + folder.embeddedDatabase() + " holds those this installation recorded before, but it cannot be read to copy them: "
                    + e.getMessage() + ". Move it out of the data folder to start without them.", e);
        }
        // Even with no certificate: the embedded directory's devices and users are copied (and the marker ends the copying).
        String what = certificates == 0 ? "embedded directory's devices and users of the embedded database " + EMBEDDED_DATABASE
                + " (it holds no certificates)"
                : certificates + " certificates of the embedded database " + EMBEDDED_DATABASE
                + " (with their revocations and when they were recorded, and the embedded directory's devices and users)";
        plan.add(new Step("Copy the " + what + " into Azure Table Storage, check each there,"
                + " and keep " + EMBEDDED_DATABASE
                + " as a backup (once: " + EmbeddedToTableStorage.MARKER + " records it)",
                () -> {
                    // Another node sharing the data folder may have opened it since the plan: wait for it, and skip what it finished.
                    Optional<JdbcStorage> opened = EmbeddedToTableStorage.whileInUse(dataDir, folder.embeddedDatabase(),
                            () -> JdbcStorage.embedded(dataDir), inUsePatience);
                    if (opened.isEmpty()) {
                        return;
                    }
                    try (JdbcStorage embedded = opened.get()) {
                        EmbeddedToTableStorage.copy(dataDir, embedded, tables(), Clock.systemUTC());
                    }
                }));
    }

    /** The tables the account lacks, read once per plan. */
    private List<String> missingTables() throws InstallationException {
        if (missingTables == null) {
            try {
                missingTables = tables().missingTables();
            } catch (StoreUnavailableException e) {
                throw new InstallationException(e.getMessage() + " (" + tableSetting() + ")", e);
            }
        }
        return missingTables;
    }

    private TableStorage tables() {
        if (!(storage.get() instanceof TableStorage tables)) {
            throw new IllegalStateException("the settings name Azure Table Storage, but the storage opened is " + storage.get().describe());
        }
        return tables;
    }

    private String tableSetting() {
        return settings.store().tableStorageEndpoint().isPresent()
                ? Setting.TABLE_STORAGE_ENDPOINT.key() : Setting.TABLE_STORAGE_CONNECTION_STRING.key();
    }

    /** Whether other nodes may share this storage, and so may have created this installation's CA already. */
    boolean shared() {
        return settings.store().databaseUrl().isPresent() || settings.store().tableStorage();
    }

    /** The shared storage, as a sentence's subject names it. */
    String sharedName() {
        return settings.store().tableStorage() ? "The shared Azure Table Storage (" + tableSetting() + ")"
                : "The shared database (AppConfig:Database:Url)";
    }

    /** How many certificates the shared storage holds. */
    long certificates() throws InstallationException {
        if (settings.store().tableStorage()) {
            if (missingTables().contains("Certificates")) {
                return 0;
            }
            try {
                return storage.get().certificateStore().count();
            } catch (StoreUnavailableException e) {
                throw new InstallationException(e.getMessage() + " (" + tableSetting() + ")", e);
            }
        }
        return inspection().certificates();
    }

    /**
     * Whether the plan has a step (a password, a schema migration) that must run before what the
     * database holds can be read: the API tokens are planned only after it.
     */
    boolean pending() {
        return pending;
    }

    /** A shared database always exists; the embedded one once its file does. */
    boolean exists() {
        return shared() || Files.exists(folder.embeddedDatabase());
    }

    /** Reads the database without changing it, once per plan: --what-if must not migrate a schema. */
    JdbcStorage.Inspection inspection() throws InstallationException {
        if (inspection == null) {
            try {
                inspection = settings.store().databaseUrl()
                        .map(url -> JdbcStorage.inspect(url, settings.store().databaseUser().orElse(null), settings.store().databasePassword().orElse(null)))
                        .orElseGet(() -> JdbcStorage.inspectEmbedded(dataDir));
            } catch (StorageException e) {
                throw new InstallationException(e.getMessage() + (settings.store().databaseUrl().isPresent() ? " (AppConfig:Database:Url)"
                        : " (the embedded database: its password is in " + EMBEDDED_DATABASE_PASSWORD + ")"), e);
            }
        }
        return inspection;
    }
}
