package dev.scepter.settings;

import dev.scepter.settings.SettingParsers.Parser;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One SCEP endpoint's settings, all read under {@code AppConfig:<section>:} by SCEPman's names
 * ({@code AllowDynamicChallenges} and, except for Intune, {@code AllowRequestedSidExtension} are our own).
 *
 * @param section                             for example {@code JamfValidation}
 * @param defaultEkus                         EKU OIDs, empty where the endpoint has no such setting
 * @param defaultKeyUsage                     RFC 5280 KeyUsage bits, empty where the endpoint has no such setting
 * @param reenrollmentAllowedCertificateTypes SCEPman's certificate type names
 */
public record EndpointSettings(String section, boolean enabled, Optional<String> requestPassword, Optional<Integer> validityPeriodDays,
        Optional<List<String>> defaultEkus, Optional<Integer> defaultKeyUsage, boolean allowDynamicChallenges, boolean allowRenewals,
        List<String> reenrollmentAllowedCertificateTypes, boolean allowRequestedSidExtension) {

    public EndpointSettings {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(requestPassword, "requestPassword");
        Objects.requireNonNull(validityPeriodDays, "validityPeriodDays");
        Objects.requireNonNull(defaultEkus, "defaultEkus");
        Objects.requireNonNull(defaultKeyUsage, "defaultKeyUsage");
        reenrollmentAllowedCertificateTypes = List.copyOf(reenrollmentAllowedCertificateTypes);
    }

    /**
     * Reads {@code AppConfig:<section>:*}; a setting SCEPman does not have for that endpoint comes
     * back empty (or {@code false}).
     *
     * @param challenge                  the parser of {@code RequestPassword}
     * @param needsChallengeWhenEnabled  whether an enabled endpoint needs {@code RequestPassword} unless it takes
     *                                   one-time challenges only
     */
    static EndpointSettings bind(SettingsBinder binder, String section, Parser<String> challenge, boolean needsChallengeWhenEnabled) {
        EndpointSettings endpoint = new EndpointSettings(section,
                value(binder, section, "Enabled", SettingParsers::bool).orElse(false),
                value(binder, section, "RequestPassword", challenge),
                value(binder, section, "ValidityPeriodDays", SettingParsers.wholeNumber(1, 36_500)),
                value(binder, section, "DefaultEkus", SettingParsers::ekus),
                value(binder, section, "DefaultKeyUsage", SettingParsers::keyUsage),
                value(binder, section, "AllowDynamicChallenges", SettingParsers::bool).orElse(false),
                value(binder, section, "AllowRenewals", SettingParsers::bool).orElse(false),
                value(binder, section, "ReenrollmentAllowedCertificateTypes", SettingParsers::certificateTypes).orElse(List.of()),
                value(binder, section, "AllowRequestedSidExtension", SettingParsers::bool).orElse(false));
        if (needsChallengeWhenEnabled && endpoint.enabled() && endpoint.requestPassword().isEmpty() && !endpoint.allowDynamicChallenges()) {
            binder.reject(Setting.byName(endpoint.key("RequestPassword")).orElseThrow(), endpoint.key("RequestPassword")
                    + ": required when " + endpoint.key("Enabled") + " is true (unless " + endpoint.key("AllowDynamicChallenges")
                    + " is, and only one-time challenges are used)");
        }
        return endpoint;
    }

    private static <T> Optional<T> value(SettingsBinder binder, String section, String name, Parser<T> parser) {
        return Setting.byName("AppConfig:" + section + ":" + name).flatMap(setting -> binder.optional(setting, parser));
    }

    /** The setting's full name, for messages and the homepage. */
    public String key(String name) {
        return "AppConfig:" + section + ":" + name;
    }

    @Override
    public String toString() {
        // The challenge is a secret.
        return "EndpointSettings[" + section + ", enabled=" + enabled + "]";
    }
}
