package dev.scepter.settings;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One ACME profile, served under {@code /acme/NAME/}: which identifiers it certifies, for how long,
 * and whether its accounts must be bound to an external account. {@code default} is
 * {@code AppConfig:Acme:*} itself; every other is declared in {@code AppConfig:Acme:Profiles} and set
 * under {@code AppConfig:Acme:Profiles:NAME:*}.
 *
 * @param name                    the {@code {profile}} of {@code /acme/{profile}/directory}
 * @param dnsSuffixes             DNS names the profile certifies: a name equal to a suffix or ending in {@code .suffix}
 * @param ipRanges                IP ranges (CIDR) whose addresses the profile certifies
 * @param allowWildcards          whether it certifies wildcard names, which only DNS-01 validates
 * @param validityPeriodDays      the validity of its certificates, in days
 * @param externalAccountRequired whether a new account must be bound to an external account (RFC 8555 section 7.3.4)
 * @param externalAccountKeysFile the file of the external accounts' MAC keys its bindings are checked with
 * @param externalAccountRequiredSetting the setting {@code externalAccountRequired} came from: the profile's own, or
 *                                       {@code AppConfig:Acme:ExternalAccountRequired} when it takes {@code default}'s
 * @param externalAccountKeysFileSetting the setting {@code externalAccountKeysFile} came from, likewise (for messages
 *                                       that send the admin to the setting actually used)
 */
public record AcmeProfileSettings(String name, List<String> dnsSuffixes, List<String> ipRanges, boolean allowWildcards, int validityPeriodDays,
        boolean externalAccountRequired, Optional<String> externalAccountKeysFile, String externalAccountRequiredSetting,
        String externalAccountKeysFileSetting) {

    public AcmeProfileSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(externalAccountRequiredSetting, "externalAccountRequiredSetting");
        Objects.requireNonNull(externalAccountKeysFileSetting, "externalAccountKeysFileSetting");
        dnsSuffixes = List.copyOf(dnsSuffixes);
        ipRanges = List.copyOf(ipRanges);
        Objects.requireNonNull(externalAccountKeysFile, "externalAccountKeysFile");
    }

    /** Whether this is the profile of {@code AppConfig:Acme:*}, the one every account made before profiles belongs to. */
    public boolean isDefault() {
        return AcmeSettings.DEFAULT_PROFILE.equals(name);
    }

    /** The name of one of this profile's settings, for messages: {@code AppConfig:Acme:X} or {@code AppConfig:Acme:Profiles:NAME:X}. */
    public String key(String setting) {
        return (isDefault() ? "AppConfig:Acme:" : AcmeSettings.PROFILES_PREFIX + name + ":") + setting;
    }
}
