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
    private static final String TENANT = "6f1c5b1e-8a4e-4c1a-9d61-0c1e2b3a4d5f";
    /** What App Service sets when the app has a managed identity. */
    private static final String[] ON_APP_SERVICE = {"WEBSITE_SITE_NAME", "scepman-x", "IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token/",
            "IDENTITY_HEADER", "identity-header-secret"};

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

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
        AzureSignIn signIn = AzureSignIn.at(s, SWITCHED);
        assertThat(signIn.method()).isEqualTo(Method.APPLICATION_KEY);
        assertThat(signIn.installationIncomplete(s.auth())).isTrue();
        assertThat(signIn.describe()).doesNotContain("secret");
    }

    @Test
    void theManagedIdentityIsUsedOnlyOnceItsRolesHadTimeToReachItsTokens() throws Exception {
        ScepterSettings s = settings(with(ON_APP_SERVICE, "AppConfig:AuthConfig:ApplicationId", APP, "AppConfig:AuthConfig:ApplicationKey", "secret",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond())));
        assertThat(AzureSignIn.at(s, SWITCHED.plusSeconds(59)).method()).isEqualTo(Method.APPLICATION_KEY);
        assertThat(AzureSignIn.at(s, SWITCHED.plusSeconds(60)).method()).isEqualTo(Method.MANAGED_IDENTITY);
        assertThat(AzureSignIn.at(s, SWITCHED.plusSeconds(60)).managedIdentityFrom()).contains(SWITCHED.plusSeconds(60));
    }

    @Test
    void aCompletedTwoXInstallationWaitsWithoutAKeyAndThenUsesItsIdentity() throws Exception {
        ScepterSettings s = settings(with(ON_APP_SERVICE, "AppConfig:AuthConfig:ApplicationId", APP,
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond())));
        assertThat(AzureSignIn.at(s, SWITCHED).method()).isEqualTo(Method.NONE);
        assertThat(AzureSignIn.at(s, SWITCHED).describe()).contains("managed identity from");
        assertThat(AzureSignIn.at(s, SWITCHED.plusSeconds(3600)).method()).isEqualTo(Method.MANAGED_IDENTITY);
        assertThat(AzureSignIn.at(s, SWITCHED).installationIncomplete(s.auth())).isFalse();
    }

    @Test
    void rightAfterTheSwitchTheBackedUpOneXCredentialsServeUntilTheIdentityIsReady() throws Exception {
        ScepterSettings s = settings(with(ON_APP_SERVICE, "AppConfig:AuthConfig:ApplicationId", "11111111-2222-4333-8444-555555555555",
                "BackUp:AppConfig:AuthConfig:ApplicationId", APP, "Backup:AppConfig:AuthConfig:ApplicationKey", "secret",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond())));
        assertThat(AzureSignIn.at(s, SWITCHED.plusSeconds(10)).method()).isEqualTo(Method.APPLICATION_KEY);
        assertThat(AzureSignIn.at(s, SWITCHED.plusSeconds(10)).describe()).contains("Backup:").doesNotContain("secret");
        assertThat(s.auth().oneXCredentials().orElseThrow().applicationId()).as("the backed-up id, never the 2.x one with the old key")
                .hasToString(APP);
        assertThat(AzureSignIn.at(s, SWITCHED.plusSeconds(60)).method()).isEqualTo(Method.MANAGED_IDENTITY);
        assertThat(AzureSignIn.at(s, SWITCHED).installationIncomplete(s.auth())).isFalse();
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

    @Test
    void outsideAppServiceTheManagedIdentityIsNeverChosenAndTheOneXKeyKeepsSigningIn() throws Exception {
        // A SCEPman configuration copied off App Service: the switch was made, but there is no identity endpoint here.
        ScepterSettings copied = settings("AppConfig:AuthConfig:ApplicationId", "11111111-2222-4333-8444-555555555555",
                "Backup:AppConfig:AuthConfig:ApplicationId", APP, "Backup:AppConfig:AuthConfig:ApplicationKey", "secret",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond()));
        assertThat(copied.appService().identity()).isEmpty();
        for (Instant at : new Instant[] {SWITCHED, SWITCHED.plusSeconds(60), SWITCHED.plusSeconds(86_400 * 365L)}) {
            assertThat(AzureSignIn.at(copied, at).method()).isEqualTo(Method.APPLICATION_KEY);
        }
        assertThat(AzureSignIn.at(copied, SWITCHED).describe()).doesNotContain("managed identity");

        ScepterSettings nothing = settings("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond()));
        AzureSignIn none = AzureSignIn.at(nothing, SWITCHED.plusSeconds(3600));
        assertThat(none.method()).isEqualTo(Method.NONE);
        assertThat(none.describe()).contains("no managed identity", "AppConfig:AuthConfig:SignInApplicationId");
    }

    @Test
    void anAppRegistrationOfOurOwnWinsACertificateBeforeASecret() throws Exception {
        String[] app = {"AppConfig:AuthConfig:TenantId", TENANT, "AppConfig:AuthConfig:SignInApplicationId", APP};
        ScepterSettings certificate = settings(with(app, "AppConfig:AuthConfig:SignInCertificateFile", "/etc/scepter/signin.pem",
                "AppConfig:AuthConfig:SignInClientSecret", "client-secret-value"));
        assertThat(AzureSignIn.at(certificate, SWITCHED).method()).isEqualTo(Method.APP_CERTIFICATE);
        assertThat(AzureSignIn.at(certificate, SWITCHED).describe()).contains("client certificate").doesNotContain("client-secret-value");

        ScepterSettings secret = settings(with(app, "AppConfig:AuthConfig:SignInClientSecret", "client-secret-value"));
        assertThat(AzureSignIn.at(secret, SWITCHED).method()).isEqualTo(Method.APP_SECRET);
        assertThat(AzureSignIn.at(secret, SWITCHED).describe()).contains("client secret").doesNotContain("client-secret-value");

        // Set on purpose, it wins over the 1.x key and over a managed identity that is ready.
        ScepterSettings everything = settings(with(with(ON_APP_SERVICE, app), "AppConfig:AuthConfig:SignInClientSecret", "client-secret-value",
                "AppConfig:AuthConfig:ApplicationId", APP, "AppConfig:AuthConfig:ApplicationKey", "secret",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(SWITCHED.getEpochSecond())));
        assertThat(AzureSignIn.at(everything, SWITCHED.plusSeconds(3600)).method()).isEqualTo(Method.APP_SECRET);
    }

    @Test
    void appServiceGivesAnIdentityOnlyWithBothItsEndpointAndItsHeaderAndTheHeaderIsNeverShown() throws Exception {
        ScepterSettings s = settings(ON_APP_SERVICE);
        assertThat(s.appService().identity()).hasValueSatisfying(identity -> {
            assertThat(identity.endpoint()).hasToString("http://127.0.0.1:41741/msi/token/");
            assertThat(identity.header()).isEqualTo("identity-header-secret");
        });
        assertThat(s.toString()).doesNotContain("identity-header-secret");
        assertThat(settings("IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token/").appService().identity()).isEmpty();
        assertThat(settings("IDENTITY_HEADER", "x").appService().identity()).isEmpty();
    }

    @Test
    void theEnvironmentCarriesAppServicesIdentityVariablesButNothingElseOfItsOwn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        RawSettings raw = SettingsSources.load(Map.of("IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token/", "IDENTITY_HEADER", "h",
                "HOME", "/root"), java.util.Optional.empty(), dir);
        assertThat(raw.value("IDENTITY_ENDPOINT")).contains("http://127.0.0.1:41741/msi/token/");
        assertThat(raw.value("IDENTITY_HEADER")).contains("h");
        assertThat(raw.value("HOME")).isEmpty();
        assertThat(ScepterSettings.bind(raw).ignored()).isEmpty();
    }

    @Test
    void anAppRegistrationThatCannotSignInStopsStartUpNamingTheSettingToFix() {
        assertThatThrownBy(() -> settings("AppConfig:AuthConfig:SignInApplicationId", APP, "AppConfig:AuthConfig:SignInClientSecret", "s3cr3t-value"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("AppConfig:AuthConfig:TenantId is required with AppConfig:AuthConfig:SignInApplicationId")
                .hasMessageNotContaining("s3cr3t-value");
        assertThatThrownBy(() -> settings("AppConfig:AuthConfig:TenantId", TENANT, "AppConfig:AuthConfig:SignInApplicationId", APP))
                .hasMessageContaining("AppConfig:AuthConfig:SignInApplicationId is set, but neither AppConfig:AuthConfig:SignInCertificateFile");
        assertThatThrownBy(() -> settings("AppConfig:AuthConfig:TenantId", TENANT, "AppConfig:AuthConfig:SignInClientSecret", "s3cr3t-value"))
                .hasMessageContaining("AppConfig:AuthConfig:SignInClientSecret is set, but AppConfig:AuthConfig:SignInApplicationId is not")
                .hasMessageNotContaining("s3cr3t-value");
        assertThatThrownBy(() -> settings("AppConfig:AuthConfig:TenantId", TENANT, "AppConfig:AuthConfig:SignInApplicationId", APP,
                "AppConfig:AuthConfig:SignInClientSecret", "s3cr3t-value", "AppConfig:AuthConfig:SignInCertificatePassword", "pfx-password"))
                .hasMessageContaining("AppConfig:AuthConfig:SignInCertificatePassword is set, but AppConfig:AuthConfig:SignInCertificateFile is not")
                .hasMessageNotContaining("pfx-password");
        assertThatThrownBy(() -> settings("AppConfig:AuthConfig:TenantId", TENANT, "AppConfig:AuthConfig:SignInApplicationId", "app"))
                .hasMessageContaining("AppConfig:AuthConfig:SignInApplicationId (from test): 'app'");
    }
}
