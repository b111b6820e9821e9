package dev.scepter.settings;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Where certificates, tokens, challenges and the audit log are kept, and how often this node
 * re-reads what other nodes wrote there ({@code AppConfig:Database:*}, {@code AppConfig:CertificateStorage:*},
 * {@code AppConfig:Store:*}). At most one backend is named: Azure Table Storage (by its endpoint, or
 * by a connection string), a JDBC database, or neither for the embedded H2 file.
 *
 * @param databaseUrl                  a JDBC URL; empty: the embedded H2 file in the data folder
 * @param databaseUser                 the database user
 * @param databasePassword             the database password; a secret
 * @param tableStorageEndpoint         an Azure storage account's table endpoint, reached with this instance's sign-in (SCEPman's setting)
 * @param tableStorageConnectionString a storage connection string (an account key, or Azurite's); a secret
 * @param revocationRefreshSeconds     how often revocations and issued serials are re-read from the store
 */
public record StoreSettings(Optional<String> databaseUrl, Optional<String> databaseUser, Optional<String> databasePassword,
        Optional<URI> tableStorageEndpoint, Optional<String> tableStorageConnectionString, int revocationRefreshSeconds) {

    static StoreSettings bind(SettingsBinder binder) {
        StoreSettings store = new StoreSettings(
                binder.optional(Setting.DATABASE_URL, SettingParsers::jdbcUrl),
                binder.optional(Setting.DATABASE_USER, v -> v),
                binder.optional(Setting.DATABASE_PASSWORD, v -> v),
                binder.optional(Setting.TABLE_STORAGE_ENDPOINT, SettingParsers::absoluteHttpUrl),
                binder.optional(Setting.TABLE_STORAGE_CONNECTION_STRING, StoreSettings::connectionString),
                binder.wholeNumber(Setting.STORE_REVOCATION_REFRESH_SECONDS, 1, 3600));
        if (store.tableStorageEndpoint.isPresent() && store.tableStorageConnectionString.isPresent()) {
            binder.reject(Setting.TABLE_STORAGE_CONNECTION_STRING, Setting.TABLE_STORAGE_CONNECTION_STRING.key()
                    + ": set it or " + Setting.TABLE_STORAGE_ENDPOINT.key() + ", not both");
        }
        if (store.tableStorage() && store.databaseUrl.isPresent()) {
            binder.reject(Setting.DATABASE_URL, Setting.DATABASE_URL.key() + ": the certificates are kept in Azure Table Storage ("
                    + Setting.TABLE_STORAGE_ENDPOINT.key() + " or " + Setting.TABLE_STORAGE_CONNECTION_STRING.key()
                    + "), or in a database, not both");
        }
        return store;
    }

    /** Whether the store is Azure Table Storage. */
    public boolean tableStorage() {
        return tableStorageEndpoint.isPresent() || tableStorageConnectionString.isPresent();
    }

    /**
     * A storage connection string's shape ({@code Key=value;...} with an account and its key or a
     * SAS, or Azurite's {@code UseDevelopmentStorage=true}); the message never repeats the value.
     */
    static String connectionString(String value) {
        boolean account = false;
        boolean credential = false;
        for (String part : value.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("must be a storage connection string (Name=value pairs separated by ';')");
            }
            String name = part.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String text = part.substring(equals + 1).trim();
            switch (name) {
                case "accountname", "tableendpoint" -> account |= !text.isEmpty();
                case "accountkey", "sharedaccesssignature" -> credential |= !text.isEmpty();
                case "usedevelopmentstorage" -> {
                    account |= "true".equalsIgnoreCase(text);
                    credential |= "true".equalsIgnoreCase(text);
                }
                default -> { }
            }
        }
        if (!account || !credential) {
            throw new IllegalArgumentException("must name the account (AccountName or TableEndpoint) and its AccountKey or "
                    + "SharedAccessSignature, or be UseDevelopmentStorage=true");
        }
        return value;
    }

    @Override
    public String toString() {
        // The password and the connection string are secrets.
        return "StoreSettings[databaseUrl=" + databaseUrl.orElse("embedded") + ", databaseUser=" + databaseUser.orElse("")
                + ", databasePassword=" + databasePassword.map(p -> "<hidden>").orElse("")
                + ", tableStorageEndpoint=" + tableStorageEndpoint.map(URI::toString).orElse("")
                + ", tableStorageConnectionString=" + tableStorageConnectionString.map(p -> "<hidden>").orElse("")
                + ", revocationRefreshSeconds=" + revocationRefreshSeconds + "]";
    }
}
