package dev.scepter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The homepage says how the core signs in to Azure, and which command completes its installation. */
class HomepageInstallationTest {

    private static final String APPLICATION_KEY = "1x-application-key-that-must-not-show";

    @Test
    void aOneXSlotOnAppServiceShowsItsKeyIsInUseAndTheExactCommandButNotTheKey() throws Exception {
        try (RunningServer server = RunningServer.start(Map.of(
                "WEBSITE_SITE_NAME", "scepman-contoso", "WEBSITE_SLOT_NAME", "staging",
                "AppConfig:AuthConfig:ApplicationId", "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11",
                "AppConfig:AuthConfig:ApplicationKey", APPLICATION_KEY))) {
            String page = new String(server.get("/").body(), StandardCharsets.UTF_8);
            assertThat(page).contains("1.x application id and key", "The installation is incomplete",
                    "bin/scepter complete-installation --target azure --scepman-app-service-name scepman-contoso --deployment-slot-name staging");
            assertThat(page).doesNotContain(APPLICATION_KEY);
        }
    }

    @Test
    void aCompletedInstallationUsesItsManagedIdentityAndHasNothingLeftForTheInstaller() throws Exception {
        long switched = Instant.now().minusSeconds(3600).getEpochSecond();
        try (RunningServer server = RunningServer.start(Map.of(
                "WEBSITE_SITE_NAME", "scepman-contoso", "WEBSITE_SLOT_NAME", "Production",
                // App Service sets these for an app with a managed identity; without them there is none to use.
                "IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token/", "IDENTITY_HEADER", "identity-header",
                "AppConfig:BaseUrl", "https://scepman-contoso.azurewebsites.net",
                "AppConfig:AuthConfig:ApplicationId", "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11",
                "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(switched)))) {
            String page = new String(server.get("/").body(), StandardCharsets.UTF_8);
            assertThat(page).contains("managed identity (since " + Instant.ofEpochSecond(switched).plusSeconds(60) + ")")
                    .doesNotContain("identity-header");
            // The installer would print "No changes.": the page suggests no run of it.
            assertThat(page).doesNotContain("The installation is incomplete").doesNotContain("complete-installation");
        }
    }
}
