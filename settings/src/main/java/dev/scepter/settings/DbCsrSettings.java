package dev.scepter.settings;

import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/csr}'s and EST's settings ({@code AppConfig:DbCSRValidation:*}).
 *
 * @param enabled                    whether {@code POST /api/csr} is served
 * @param validityPeriodDays         a cap below {@code AppConfig:ValidityPeriodDays}
 * @param defaultEkus                EKU OIDs
 * @param allowRequestedSidExtension whether a SID the caller asks for is kept (a strong mapping to that account in Windows)
 * @param allowDynamicChallenges     whether EST's {@code simpleenroll} takes a one-time challenge as the HTTP Basic password
 * @param allowRenewals              whether EST's {@code simplereenroll} renews on the strength of the certificate being renewed
 * @param reenrollmentAllowedCertificateTypes SCEPman's certificate type names that {@code simplereenroll} renews
 */
public record DbCsrSettings(boolean enabled, Optional<Integer> validityPeriodDays, List<String> defaultEkus,
        boolean allowRequestedSidExtension, boolean allowDynamicChallenges, boolean allowRenewals,
        List<String> reenrollmentAllowedCertificateTypes) {

    public DbCsrSettings {
        defaultEkus = List.copyOf(defaultEkus);
        reenrollmentAllowedCertificateTypes = List.copyOf(reenrollmentAllowedCertificateTypes);
    }

    /** Renewing nothing. */
    public DbCsrSettings(boolean enabled, Optional<Integer> validityPeriodDays, List<String> defaultEkus, boolean allowRequestedSidExtension) {
        this(enabled, validityPeriodDays, defaultEkus, allowRequestedSidExtension, false, false, List.of());
    }

    static DbCsrSettings bind(SettingsBinder binder) {
        return new DbCsrSettings(
                binder.bool(Setting.DB_CSR_ENABLED),
                binder.optional(Setting.DB_CSR_VALIDITY_PERIOD_DAYS, SettingParsers.wholeNumber(1, 36_500)),
                binder.required(Setting.DB_CSR_DEFAULT_EKUS, SettingParsers::ekus),
                binder.bool(Setting.DB_CSR_ALLOW_REQUESTED_SID_EXTENSION),
                binder.bool(Setting.DB_CSR_ALLOW_DYNAMIC_CHALLENGES),
                binder.bool(Setting.DB_CSR_ALLOW_RENEWALS),
                binder.required(Setting.DB_CSR_REENROLLMENT_ALLOWED_CERTIFICATE_TYPES, SettingParsers::certificateTypes));
    }
}
