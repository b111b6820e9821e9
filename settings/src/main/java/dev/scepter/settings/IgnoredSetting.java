package dev.scepter.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A given {@code AppConfig:} setting that Scepter does not honour. A SCEPman configuration must
 * start as it is, so these are listed on the homepage and logged, never fatal.
 *
 * @param name   the name as given
 * @param source where it was given
 * @param known  true for a SCEPman setting that Scepter does not use (yet); false for a name
 *               neither knows, most likely a typo
 */
public record IgnoredSetting(String name, String source, boolean known) {

    /** SCEPman's settings (its documentation's list) that this version of Scepter does not use. */
    private static final Set<String> SCEPMAN_SETTINGS = Stream.of(
            "AppConfig:LicenseKey", "AppConfig:RemoteDebug", "AppConfig:AnonymousHomePageAccess",
            "AppConfig:EnableCertificateStorage",
            "AppConfig:IntuneValidation:UntoleratedUserRisks", "AppConfig:IntuneValidation:UserRiskCheck",
            "AppConfig:IntuneValidation:EnableCertificateStorage",
            "AppConfig:JamfValidation:EnableCertificateStorage",
            "AppConfig:StaticValidation:EnableCertificateStorage",
            "AppConfig:StaticAADValidation:EnableCertificateStorage",
            "AppConfig:DCValidation:EnableCertificateStorage", "AppConfig:RADIUSaaSValidation:Token",
            "AppConfig:CertMaster:URL", "AppConfig:DirectCSRValidation:Enabled", "AppConfig:DirectCSRValidation:DefaultEkus",
            "AppConfig:DirectCSRValidation:ValidityPeriodDays", "AppConfig:DbCSRValidation:AllowRenewals",
            "AppConfig:DbCSRValidation:ReenrollmentAllowedCertificateTypes",
            "AppConfig:AuthConfig:TenantName", "AppConfig:AuthConfig:HomeTenantId", "AppConfig:AuthConfig:HomeApplicationId",
            "AppConfig:AuthConfig:SCEPmanAPIScope")
            .map(RawSettings::canonical).collect(Collectors.toUnmodifiableSet());

    /** The {@code AppConfig:} names given that no {@link Setting} honours; other names are kept and ignored silently. */
    public static List<IgnoredSetting> in(RawSettings settings) {
        List<IgnoredSetting> ignored = new ArrayList<>();
        settings.entries().forEach((canonical, entry) -> {
            boolean appConfig = canonical.startsWith("appconfig:");
            // An ACME profile's own settings are bound, or refused at start-up, by AcmeSettings.
            if (appConfig && Setting.byName(canonical).isEmpty() && !AcmeSettings.isProfileSetting(canonical)) {
                ignored.add(new IgnoredSetting(entry.name(), entry.source(), isScepmanSetting(canonical)));
            }
        });
        return ignored;
    }

    private static boolean isScepmanSetting(String canonical) {
        return SCEPMAN_SETTINGS.contains(canonical)
                || canonical.startsWith("appconfig:activedirectory:")
                || canonical.startsWith("appconfig:azurecloudconfig:")
                || canonical.startsWith("appconfig:loggingconfig:")
                || canonical.toLowerCase(Locale.ROOT).startsWith("appconfig:azurestorage:");
    }
}
