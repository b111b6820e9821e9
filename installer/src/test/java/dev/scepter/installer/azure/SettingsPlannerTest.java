package dev.scepter.installer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.azure.AzureState.Instance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsPlannerTest {

    static final AzureOptions OPTIONS = AzureOptions.forApp("scepman-contoso");
    static final String KEY = "AppConfig:AuthConfig:ApplicationKey";
    static final String OLD_ID = "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11";

    static Plan plan(AzureOptions options, AzureState state) throws InstallationException {
        return new SettingsPlanner(null, options, States.CLOCK).plan(state);
    }

    @Test
    void aOneXKeyIsBackedUpAndRemovedOnceTheIdentityHoldsPermissions() throws Exception {
        States s = States.complete();
        Map<String, String> settings = new LinkedHashMap<>(s.core.settingValues());
        settings.put("AppConfig:AuthConfig:ApplicationId", OLD_ID);
        settings.put(KEY, "one-x-secret");
        s.core = States.withSettings(s.core, settings);

        Plan plan = plan(OPTIONS, s.build());

        assertThat(plan.descriptions()).containsExactly("Settings of scepman-contoso: "
                + "back up AppConfig:AuthConfig:ApplicationId as Backup:AppConfig:AuthConfig:ApplicationId; "
                + "AppConfig:AuthConfig:ApplicationId = SCEPman-api's application id; "
                + "back up AppConfig:AuthConfig:ApplicationKey as Backup:AppConfig:AuthConfig:ApplicationKey; "
                + "remove AppConfig:AuthConfig:ApplicationKey (the managed identity replaces it); "
                + "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime = the time of this run");
        assertThat(String.join("", plan.descriptions())).doesNotContain("one-x-secret");
        assertThat(plan.warnings()).isEmpty();
    }

    @Test
    void aOneXAppWhoseIdentityHoldsNothingKeepsItsKeyWithAWarning() throws Exception {
        States s = States.complete();
        Map<String, String> settings = new LinkedHashMap<>(s.core.settingValues());
        settings.put("AppConfig:AuthConfig:ApplicationId", OLD_ID);
        settings.put(KEY, "one-x-secret");
        s.core = States.withGranted(States.withSettings(s.core, settings), Set.of());

        Plan plan = plan(OPTIONS.withSkipAppRoleAssignments(true), s.build());

        assertThat(plan.descriptions()).containsExactly("Settings of scepman-contoso: AppConfig:AuthConfig:ManagedIdentityPermissionLevel = -1");
        assertThat(plan.warnings()).containsExactly("Kept the 1.x application id and key of scepman-contoso: its managed identity holds "
                + "no permission yet. Run again once the grants are made, to switch it to the managed identity.");
    }

    @Test
    void grantsPlannedByThisRunRecordTheLevelTheyReachAndMoveTheTime() throws Exception {
        States s = States.complete();
        s.core = States.withGranted(s.core, States.grants(Manifests.corePermissions(false, true).stream().filter(p -> p.level() < 2).toList()));

        assertThat(plan(OPTIONS, s.build()).descriptions()).containsExactly("Settings of scepman-contoso: "
                + "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime = the time of this run");
        assertThat(plan(OPTIONS.withSkipAppRoleAssignments(true), s.build()).descriptions()).containsExactly("Settings of scepman-contoso: "
                + "AppConfig:AuthConfig:ManagedIdentityPermissionLevel = 1; AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime = the time of this run");
    }

    @Test
    void anApplicationIdThatIsNoGuidStopsThePlan() {
        States s = States.complete();
        Map<String, String> settings = new LinkedHashMap<>(s.core.settingValues());
        settings.put("AppConfig:AuthConfig:ApplicationId", "not-a-guid");
        s.core = States.withSettings(s.core, settings);

        assertThatThrownBy(() -> plan(OPTIONS, s.build())).isInstanceOf(InstallationException.class)
                .hasMessageContaining("\"not-a-guid\", which is no application id (a GUID)");
    }

    @Test
    void slotsComeBeforeProductionAndASlotWithAKeyIsWarnedAbout() throws Exception {
        States s = States.complete();
        Map<String, String> slotSettings = new LinkedHashMap<>(States.coreSettings("scepman-contoso-staging.azurewebsites.net"));
        slotSettings.put(KEY, "slot-key");
        Instance staging = new Instance(States.app("scepman-contoso", "staging", "staging-mi", "scepman-contoso-staging.azurewebsites.net"),
                slotSettings, false, false, s.core.granted(), s.core.storageRoles(), s.core.vaultRoles());
        Map<String, String> production = States.without(s.core.settingValues(), "AppConfig:AuthConfig:ManagedIdentityEnabledForWebsiteHostname");
        s.core = States.withSettings(s.core, production);

        Plan plan = plan(OPTIONS, s.build(List.of(staging, s.core)));

        assertThat(plan.descriptions()).containsExactly(
                "Settings of scepman-contoso (slot staging): back up AppConfig:AuthConfig:ApplicationKey as Backup:AppConfig:AuthConfig:ApplicationKey; "
                        + "remove AppConfig:AuthConfig:ApplicationKey (the managed identity replaces it); "
                        + "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime = the time of this run",
                "Settings of scepman-contoso: AppConfig:AuthConfig:ManagedIdentityEnabledForWebsiteHostname = scepman-contoso.azurewebsites.net");
        assertThat(plan.warnings()).singleElement().asString().startsWith("Deployment slot staging still signs in with a 1.x application key");
    }

    @Test
    void certificateMastersCoreAddressIsSetOnceAndNeverReplaced() throws Exception {
        States s = States.complete();
        Map<String, String> settings = new LinkedHashMap<>(s.certMaster.settingValues());
        settings.put("AppConfig:SCEPman:URL", "https://pki.contoso.example/");
        s.certMaster = States.withSettings(s.certMaster, settings);
        assertThat(plan(OPTIONS, s.build()).descriptions()).isEmpty();

        s.certMaster = States.withSettings(s.certMaster, States.without(settings, "AppConfig:SCEPman:URL"));
        assertThat(plan(OPTIONS, s.build()).descriptions())
                .containsExactly("Settings of scepman-contoso-cm: AppConfig:SCEPman:URL = https://" + States.CORE_HOST + "/");
    }
}
