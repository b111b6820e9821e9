package dev.scepter.installer.azure;

import static dev.scepter.installer.azure.States.CORE_HOST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.AzureState.Registration;
import dev.scepter.installer.azure.Manifests.Permission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each planner on states built by hand. The planners get no ResourceManager or MicrosoftGraph
 * (null): planning reads and writes nothing, so a call would fail the test.
 */
class PlannersTest {

    static final AzureOptions OPTIONS = AzureOptions.forApp("scepman-contoso");

    static List<Plan.Planner> planners(AzureOptions options) {
        return List.of(new IdentityPlanner(null, options), new StoragePlanner(null), new KeyVaultPlanner(null),
                new PermissionPlanner(null, options), new RegistrationPlanner(null, options), new SettingsPlanner(null, options, States.CLOCK));
    }

    static List<String> plan(Plan.Planner planner, AzureState state) throws Exception {
        return planner.plan(state).descriptions();
    }

    @Test
    void aCompleteInstallationPlansNothing() throws Exception {
        Plan plan = Plan.of(States.complete().build(), planners(OPTIONS));
        assertThat(plan.descriptions()).isEmpty();
        assertThat(plan.warnings()).isEmpty();
    }

    @Test
    void anAppWithoutIdentityGetsItsIdentityTurnedOnAndNothingElseIsCreated() throws Exception {
        States s = States.complete();
        s.core = States.withGranted(new Instance(States.app("scepman-contoso", null, null, CORE_HOST), s.core.settingValues(), false, false,
                Set.of(), List.of(), List.of()), Set.of());
        assertThat(plan(new IdentityPlanner(null, OPTIONS), s.build()))
                .containsExactly("Turn on the system-assigned managed identity of scepman-contoso");
    }

    @Test
    void aMissingCertificateMasterIsCreatedWithItsIdentityInOneStep() throws Exception {
        States s = States.complete();
        s.certMaster = new Instance(States.app("scepman-contoso-cm", null, null, States.PORTAL_HOST), Map.of(), true, true, Set.of(), List.of(), List.of());
        assertThat(plan(new IdentityPlanner(null, OPTIONS), s.build())).containsExactly(
                "Create the Certificate Master app service scepman-contoso-cm (https only, managed identity) on the plan of scepman-contoso");
    }

    @Test
    void storageGrantsExactlyTheMissingRoleAndCreatesTheAccountOnlyOnAnUpgrade() throws Exception {
        States s = States.complete();
        s.certMaster = s.certMaster.withAccess(s.certMaster.granted(), List.of(), List.of());
        assertThat(plan(new StoragePlanner(null), s.build())).containsExactly(
                "Grant Storage Table Data Contributor on storage account stgcontoso to the managed identity of scepman-contoso-cm");

        States upgrade = States.complete();
        upgrade.storage = null;
        upgrade.tableEndpoint = null;
        upgrade.target = upgrade.target.withStorageName("stgnew");
        assertThat(plan(new StoragePlanner(null), upgrade.build())).containsExactly(
                "Create the storage account stgnew in rg (StorageV2, Standard_LRS, TLS 1.2, no shared keys, no public blobs)",
                "Grant Storage Table Data Contributor on storage account stgnew to the managed identity of scepman-contoso",
                "Grant Storage Table Data Contributor on storage account stgnew to the managed identity of scepman-contoso-cm");

        States elsewhere = States.complete();
        elsewhere.storage = null;  // configured, but its account is in no resource group searched: nothing to check
        assertThat(plan(new StoragePlanner(null), elsewhere.build())).isEmpty();
    }

    @Test
    void anRbacVaultGrantsOnlyTheMissingRoleToTheCoreNeverToCertificateMaster() throws Exception {
        States s = States.complete();
        s.core = s.core.withAccess(s.core.granted(), s.core.storageRoles(), States.without(KeyVaultPlanner.ROLES, ResourceManager.KEY_VAULT_SECRETS_USER));
        assertThat(plan(new KeyVaultPlanner(null), s.build()))
                .containsExactly("Grant Key Vault Secrets User on key vault kv-contoso to the managed identity of scepman-contoso");
    }

    @Test
    void anAccessPolicyVaultGetsAPolicyUnlessThePrincipalHoldsEveryPermission() throws Exception {
        States s = States.complete();
        s.vault = States.policyVault("CORE-MI", Map.of("keys", List.of("all"), "secrets", List.of("Get", "List"),
                "certificates", List.of("get", "list", "create", "managecontacts")));
        assertThat(plan(new KeyVaultPlanner(null), s.build())).as("\"all\" holds them all; case does not matter").isEmpty();

        s.vault = States.policyVault("core-mi", Map.of("keys", List.of("get", "create", "unwrapKey"), "secrets", List.of("get", "list"),
                "certificates", List.of("get", "list", "create", "managecontacts")));
        assertThat(plan(new KeyVaultPlanner(null), s.build())).containsExactly("Add an access policy on key vault kv-contoso for the managed "
                + "identity of scepman-contoso (keys get, create, unwrapKey, sign; secrets get, list; certificates get, list, create, managecontacts)");
    }

    @Test
    void aMissingPermissionPlansExactlyThatGrantAndNothingWithSkipAppRoleAssignments() throws Exception {
        States s = States.complete();
        Permission directoryRead = new Permission(MicrosoftGraph.GRAPH_APP_ID, "Directory.Read.All", 0);
        Set<String> granted = new java.util.HashSet<>(s.core.granted());
        granted.removeAll(States.grants(List.of(directoryRead)));
        s.core = States.withGranted(s.core, granted);

        assertThat(plan(new PermissionPlanner(null, OPTIONS), s.build()))
                .containsExactly("Grant the managed identity of scepman-contoso the application permissions Graph Directory.Read.All");
        assertThat(plan(new PermissionPlanner(null, OPTIONS.withSkipAppRoleAssignments(true)), s.build())).isEmpty();
    }

    @Test
    void aTenantWithoutIntuneNeedsNoIntuneGrant() throws Exception {
        States s = States.complete();
        s.intune = null;
        s.core = States.withGranted(s.core, States.grants(Manifests.corePermissions(false, false)));
        assertThat(plan(new PermissionPlanner(null, OPTIONS), s.build())).isEmpty();
    }

    @Test
    void registrationsAddOnlyWhatTheyLack() throws Exception {
        States s = States.complete();
        s.api = new Registration(s.api.application(), States.apiPrincipal(false));
        s.consented = false;
        assertThat(plan(new RegistrationPlanner(null, OPTIONS), s.build())).containsExactly(
                "App registration SCEPman-api: require app role assignment",
                "Consent for all users to SCEPman-CertMaster signing them in (Graph User.Read)");
        assertThat(plan(new RegistrationPlanner(null, OPTIONS.withSkipAppRoleAssignments(true)), s.build()))
                .as("the consent needs a privileged role").containsExactly("App registration SCEPman-api: require app role assignment");
    }

    @Test
    void certificateMastersRightToRequestCertificatesIsGrantedWhenMissing() throws Exception {
        States s = States.complete();
        s.certMaster = States.withGranted(s.certMaster, States.grants(Manifests.certMasterPermissions()));
        assertThat(plan(new RegistrationPlanner(null, OPTIONS.withSkipAppRoleAssignments(true)), s.build())).containsExactly(
                "Allow Certificate Master to request certificates: SCEPman-api's app role CSR.Request to the managed identity of scepman-contoso-cm");
    }

    @Test
    void aNewRegistrationIsDescribedWholeItsRoleIsGrantedAndItsAppIdIsNotYetKnownInTheSettings() throws Exception {
        States s = States.complete();
        s.api = Registration.NONE;
        assertThat(plan(new RegistrationPlanner(null, OPTIONS), s.build())).containsExactly("App registration SCEPman-api: register it with the "
                + "app roles CSR.Request, CSR.Request.Db, CSR.Request.Direct, CSR.SelfService, Manage.All, Challenge.Create, Directory.Manage; "
                + "set its identifier URI api://{appId}; create its service principal (assignment required)",
                "Allow Certificate Master to request certificates: SCEPman-api's app role CSR.Request to the managed identity of scepman-contoso-cm");
        assertThat(plan(new SettingsPlanner(null, OPTIONS, States.CLOCK), s.build())).containsExactly(
                "Settings of scepman-contoso-cm: AppConfig:AuthConfig:SCEPmanAPIScope = api://(not yet known)",
                "Settings of scepman-contoso: back up AppConfig:AuthConfig:ApplicationId as Backup:AppConfig:AuthConfig:ApplicationId; "
                        + "AppConfig:AuthConfig:ApplicationId = SCEPman-api's application id; "
                        + "AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime = the time of this run");
    }
}
