package dev.scepter.settings;

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
