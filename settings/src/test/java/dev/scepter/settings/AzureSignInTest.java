package dev.scepter.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.settings.AzureSignIn.Method;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureSignInTest {

    private static final String APP = "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11";
    private static final Instant SWITCHED = Instant.parse("2026-11-24T10:00:00Z");

    private static ScepterSettings settings(String... pairs) throws InvalidSettingException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return ScepterSettings.bind(RawSettings.of(values));
    }

    @Test
    void aOneXInstallationSignsInWithItsApplicationKeyAndIsIncomplete() throws Exception {
        ScepterSettings s = settings("AppConfig:AuthConfig:ApplicationId", APP, "AppConfig:AuthConfig:ApplicationKey", "secret");
        AzureSignIn signIn = AzureSignIn.at(s.auth(), SWITCHED);
        assertThat(signIn.method()).isEqualTo(Method.APPLICATION_KEY);
        assertThat(signIn.installationIncomplete(s.auth())).isTrue();
        assertThat(signIn.describe()).doesNotContain("secret");
    }

    @Test
    void theManagedIdentityIsUsedOnlyOnceItsRolesHadTimeToReachItsTokens() throws Exception {
        ScepterSettings s = settings("AppConfig:AuthConfig:ApplicationId", APP, "AppConfig:AuthConfig:ApplicationKey", "secret",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond()));
        assertThat(AzureSignIn.at(s.auth(), SWITCHED.plusSeconds(59)).method()).isEqualTo(Method.APPLICATION_KEY);
        assertThat(AzureSignIn.at(s.auth(), SWITCHED.plusSeconds(60)).method()).isEqualTo(Method.MANAGED_IDENTITY);
        assertThat(AzureSignIn.at(s.auth(), SWITCHED.plusSeconds(60)).managedIdentityFrom()).contains(SWITCHED.plusSeconds(60));
    }

    @Test
    void aCompletedTwoXInstallationWaitsWithoutAKeyAndThenUsesItsIdentity() throws Exception {
        ScepterSettings s = settings("AppConfig:AuthConfig:ApplicationId", APP,
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond()));
        assertThat(AzureSignIn.at(s.auth(), SWITCHED).method()).isEqualTo(Method.NONE);
        assertThat(AzureSignIn.at(s.auth(), SWITCHED).describe()).contains("managed identity from");
        assertThat(AzureSignIn.at(s.auth(), SWITCHED.plusSeconds(3600)).method()).isEqualTo(Method.MANAGED_IDENTITY);
        assertThat(AzureSignIn.at(s.auth(), SWITCHED).installationIncomplete(s.auth())).isFalse();
    }

    @Test
    void rightAfterTheSwitchTheBackedUpOneXCredentialsServeUntilTheIdentityIsReady() throws Exception {
        ScepterSettings s = settings("AppConfig:AuthConfig:ApplicationId", "11111111-2222-4333-8444-555555555555",
                "BackUp:AppConfig:AuthConfig:ApplicationId", APP, "Backup:AppConfig:AuthConfig:ApplicationKey", "secret",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond()));
        assertThat(AzureSignIn.at(s.auth(), SWITCHED.plusSeconds(10)).method()).isEqualTo(Method.APPLICATION_KEY);
        assertThat(AzureSignIn.at(s.auth(), SWITCHED.plusSeconds(60)).method()).isEqualTo(Method.MANAGED_IDENTITY);
        assertThat(AzureSignIn.at(s.auth(), SWITCHED).installationIncomplete(s.auth())).isFalse();
    }

    @Test
    void aBadApplicationIdOrTimeStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> settings("AppConfig:AuthConfig:ApplicationId", "not-a-guid"))
                .hasMessageContaining("AppConfig:AuthConfig:ApplicationId");
        assertThatThrownBy(() -> settings("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", "yesterday"))
                .hasMessageContaining("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime");
    }

    @Test
    void appServiceTellsWhichAppAndSlotThisIs() throws Exception {
        assertThat(settings("WEBSITE_SITE_NAME", "scepman-x", "WEBSITE_SLOT_NAME", "Production").appService().deploymentSlot()).isEmpty();
        ScepterSettings slot = settings("WEBSITE_SITE_NAME", "scepman-x", "WEBSITE_SLOT_NAME", "staging");
        assertThat(slot.appService().name()).contains("scepman-x");
        assertThat(slot.appService().deploymentSlot()).contains("staging");
        assertThat(slot.ignored()).isEmpty();
    }
}
