package dev.scepter.settings;

import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/csr}'s settings ({@code AppConfig:DbCSRValidation:*}).
 *
 * @param enabled                    whether {@code POST /api/csr} is served
 * @param validityPeriodDays         a cap below {@code AppConfig:ValidityPeriodDays}
 * @param defaultEkus                EKU OIDs
 * @param allowRequestedSidExtension whether a SID the caller asks for is kept (a strong mapping to that account in Windows)
 */
public record DbCsrSettings(boolean enabled, Optional<Integer> validityPeriodDays, List<String> defaultEkus,
        boolean allowRequestedSidExtension) {

    public DbCsrSettings {
        defaultEkus = List.copyOf(defaultEkus);
    }

    static DbCsrSettings bind(SettingsBinder binder) {
        return new DbCsrSettings(
                binder.bool(Setting.DB_CSR_ENABLED),
                binder.optional(Setting.DB_CSR_VALIDITY_PERIOD_DAYS, SettingParsers.wholeNumber(1, 36_500)),
                binder.required(Setting.DB_CSR_DEFAULT_EKUS, SettingParsers::ekus),
                binder.bool(Setting.DB_CSR_ALLOW_REQUESTED_SID_EXTENSION));
    }
}
