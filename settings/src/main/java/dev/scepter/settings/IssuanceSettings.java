package dev.scepter.settings;

import java.time.Duration;

/**
 * What every issued certificate gets, whatever the endpoint: its validity, the backdating for
 * clients whose clocks run behind, and the extensions added beside the request's.
 *
 * @param validityPeriodDays        {@code AppConfig:ValidityPeriodDays}; endpoints may shorten it
 * @param validityClockSkewMinutes  {@code AppConfig:ValidityClockSkewMinutes}: notBefore lies this far back
 * @param useRequestedKeyUsages     {@code AppConfig:UseRequestedKeyUsages}
 * @param addMicrosoftAadExtensions {@code AppConfig:AddMicrosoftAADExtensions}: Microsoft's Entra tenant and device id extensions
 * @param addSidExtension           {@code AppConfig:AddSidExtension}: the SID extension from the directory, for users and devices
 */
public record IssuanceSettings(int validityPeriodDays, int validityClockSkewMinutes, boolean useRequestedKeyUsages,
        boolean addMicrosoftAadExtensions, boolean addSidExtension) {

    static IssuanceSettings bind(SettingsBinder binder) {
        return new IssuanceSettings(
                binder.wholeNumber(Setting.VALIDITY_PERIOD_DAYS, 1, 36_500),
                binder.wholeNumber(Setting.VALIDITY_CLOCK_SKEW_MINUTES, 0, 14 * 24 * 60),
                binder.bool(Setting.USE_REQUESTED_KEY_USAGES),
                binder.bool(Setting.ADD_MICROSOFT_AAD_EXTENSIONS),
                binder.bool(Setting.ADD_SID_EXTENSION));
    }

    public Duration clockSkew() {
        return Duration.ofMinutes(validityClockSkewMinutes);
    }
}
