package dev.scepter.settings;

import java.util.Optional;

/**
 * Where certificates, tokens, challenges and the audit log are kept, and how often this node
 * re-reads what other nodes wrote there ({@code AppConfig:Database:*}, {@code AppConfig:Store:*}).
 *
 * @param databaseUrl              a JDBC URL; empty: the embedded H2 file in the data folder
 * @param databaseUser             the database user
 * @param databasePassword         the database password; a secret
 * @param revocationRefreshSeconds how often revocations and issued serials are re-read from the store
 */
public record StoreSettings(Optional<String> databaseUrl, Optional<String> databaseUser, Optional<String> databasePassword,
        int revocationRefreshSeconds) {

    static StoreSettings bind(SettingsBinder binder) {
        return new StoreSettings(
                binder.optional(Setting.DATABASE_URL, SettingParsers::jdbcUrl),
                binder.optional(Setting.DATABASE_USER, v -> v),
                binder.optional(Setting.DATABASE_PASSWORD, v -> v),
                binder.wholeNumber(Setting.STORE_REVOCATION_REFRESH_SECONDS, 1, 3600));
    }

    @Override
    public String toString() {
        // The password is a secret.
        return "StoreSettings[databaseUrl=" + databaseUrl.orElse("embedded") + ", databaseUser=" + databaseUser.orElse("")
                + ", databasePassword=" + databasePassword.map(p -> "<hidden>").orElse("") + ", revocationRefreshSeconds="
                + revocationRefreshSeconds + "]";
    }
}
