package dev.scepter.installer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scepter.installer.InstallationException;
import dev.scepter.installer.azure.sim.AzureSimulator;
import dev.scepter.installer.azure.sim.RoleAssignment;
import dev.scepter.installer.azure.sim.SimSite;
import dev.scepter.installer.azure.sim.SimUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * complete-installation --target azure against the Azure simulator: a stateful HTTPS server on
 * loopback that answers the ARM and Graph calls as Microsoft documents them and checks every
 * caller's rights. Nothing here reaches Azure: tokens come from the simulator.
 */
class AzureInstallationTest {

    static final String SUB = "11111111-1111-4111-8111-111111111111";
    static final String OTHER_SUB = "22222222-2222-4222-8222-222222222222";
    static final String RG = "rg-scepman";
    static final String CORE = "scepman-contoso";
    static final String PORTAL = "scepman-contoso-cm";
    static final String OLD_APP_ID = "0b5d7a9e-1c33-4f43-9b6e-1f6f3b7c8a11";
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final String ADMIN = "admin@contoso.example";

    static final String DIRECTORY_READ_ALL = "7ab1d382-f21e-4acd-a863-ba3e13f7da61";
    static final String MANAGED_DEVICES_READ_ALL = "2f51be20-0bb4-4fed-bf7b-db946066c75e";
    static final String DEVICE_CONFIGURATION_READ_ALL = "dc377aa6-52d8-4e23-b271-2a7ae04cedf3";
    static final String RISKY_USER_READ_ALL = "dc5007c0-2d7d-4c42-879c-2dab87571379";
    static final String SCEP_CHALLENGE_PROVIDER = "39d724e8-6a34-4930-9a36-364082c35716";
    static final String DEVICE_READ_ALL = "7438b122-aefc-4915-91ff-e4f8b3fb0ad5";
    static final String USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
    static final String APPLICATION_READ_ALL = "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30";

    AzureSimulator azure;
    SimUser admin;
    ByteArrayOutputStream output;
    /** Answers to the questions a terminal would ask, in order; empty means "accept the suggestion". */
    Deque<String> answers;
    int runs;
    List<String> questions;

    @BeforeEach
    void startSimulator() {
        azure = new AzureSimulator();
        azure.addSubscription(SUB, "Contoso production");
        admin = azure.addUser(ADMIN).grantArmRole("/subscriptions/" + SUB, "Owner").grantEntraRole("Global Administrator");
        answers = new ArrayDeque<>();
        questions = new ArrayList<>();
    }

    @AfterEach
    void stopSimulator() {
        azure.close();
    }

    // ---------------------------------------------------------------- fixtures

    /** A fresh 2.x deployment as SCEPman's ARM template leaves it: identities, storage, vault, portal; no permissions yet. */
    SimSite freshTwoX() {
        SimSite core = withStorage(azure.addWebApp(SUB, RG, CORE, "westeurope", false));
        core.enableSystemIdentity();
        String table = TABLE;
        azure.addKeyVault(SUB, RG, "kv-scepman-contoso", true);
        core.settings().put("AppConfig:KeyVaultConfig:KeyVaultURL", "https://kv-scepman-contoso.vault.azure.net/");
        SimSite portal = azure.addWebApp(SUB, RG, PORTAL, "westeurope", false);
        portal.enableSystemIdentity();
        portal.settings().put("AppConfig:SCEPman:URL", "https://" + CORE + ".azurewebsites.net/");
        portal.settings().put("AppConfig:AzureStorage:TableStorageEndpoint", table);
        return core;
    }

    static final String TABLE = "https://stgscepmancontoso.table.core.windows.net/";

    /** The storage account a 2.x deployment has, configured in the core's settings. */
    SimSite withStorage(SimSite core) {
        azure.addStorageAccount(SUB, RG, "stgscepmancontoso");
        core.settings().put("AppConfig:CertificateStorage:TableStorageEndpoint", TABLE);
        return core;
    }

    /** SCEPman 1.x: an app registration's id and key, no managed identity, no Certificate Master, no storage. */
    SimSite oneX() {
        SimSite core = azure.addWebApp(SUB, RG, CORE, "westeurope", false);
        core.settings().put("AppConfig:AuthConfig:ApplicationId", OLD_APP_ID);
        core.settings().put("AppConfig:AuthConfig:ApplicationKey", "one-x-secret");
        core.settings().put("AppConfig:LicenseKey", "trial");
        return core;
    }

    boolean run(AzureOptions options) throws InstallationException {
        return run(options, ADMIN, false, false);
    }

    boolean run(AzureOptions options, String user, boolean whatIf, boolean verbose) throws InstallationException {
        output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        HttpClient http = HttpClient.newBuilder().sslContext(azure.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        AzureRest rest = new AzureRest(azure.armBaseUri(), azure.graphBaseUri(), azure.credential(user), http, Duration.ofMillis(5),
                verbose ? out : null);
        Prompter terminal = (question, suggestion, option) -> {
            questions.add(question + (suggestion == null ? "" : " [" + suggestion + "]"));
            if (answers.isEmpty()) {
                return Prompter.none().ask(question, suggestion, option);
            }
            String answer = answers.pop();
            return answer.isEmpty() ? suggestion : answer;
        };
        // Each run an hour after the last: a time that a run must leave alone is told from one it sets.
        Clock clock = Clock.fixed(NOW.plusSeconds(3600L * runs++), ZoneOffset.UTC);
        return new AzureInstallation(options, rest, terminal, clock, out, verbose).complete(whatIf);
    }

    String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    static AzureOptions core() {
        return AzureOptions.forApp(CORE);
    }

    JsonNode application(String name) {
        return azure.applications().stream().filter(a -> a.path("displayName").asString().equals(name)).findFirst().orElseThrow();
    }

    String appId(String name) {
        return application(name).path("appId").asString();
    }

    List<String> roleDefinitionsOf(String principal, String scopeEnd) {
        return azure.roleAssignments().stream().filter(a -> a.principalId().equals(principal) && a.scope().endsWith(scopeEnd))
                .map(RoleAssignment::roleDefinitionId).map(id -> id.substring(id.lastIndexOf('/') + 1)).toList();
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    void aFreshTwoXInstallationIsCompletedAndASecondRunChangesNothing() throws Exception {
        SimSite core = freshTwoX();
        SimSite portal = azure.site(SUB, RG, PORTAL);

        assertThat(run(core())).isTrue();

        assertThat(printed()).contains("a 2.x installation", "Certificate Master app service: " + PORTAL,
                "Checked: reading the installation again finds nothing left to do.");
        // The core's managed identity: every permission level.
        assertThat(azure.appRoleAssignments(core.principalId())).containsExactlyInAnyOrder(DIRECTORY_READ_ALL, SCEP_CHALLENGE_PROVIDER,
                MANAGED_DEVICES_READ_ALL, DEVICE_CONFIGURATION_READ_ALL, RISKY_USER_READ_ALL);
        // Certificate Master's: Intune's certificate list, and CSR.Request on SCEPman-api, nothing else.
        JsonNode api = application("SCEPman-api");
        String csrRequest = roleId(api, "CSR.Request");
        assertThat(azure.appRoleAssignments(portal.principalId())).containsExactlyInAnyOrder(MANAGED_DEVICES_READ_ALL,
                DEVICE_CONFIGURATION_READ_ALL, csrRequest);
        assertThat(values(api.path("appRoles"), "value")).containsExactlyInAnyOrder("CSR.Request", "CSR.Request.Db", "CSR.Request.Direct",
                "CSR.SelfService", "Manage.All", "Challenge.Create", "Directory.Manage");
        assertThat(values(api.path("identifierUris"), null)).containsExactly("api://" + api.path("appId").asString());
        assertThat(azure.servicePrincipalByAppId(api.path("appId").asString()).path("appRoleAssignmentRequired").asBoolean()).isTrue();

        JsonNode portalApp = application("SCEPman-CertMaster");
        assertThat(values(portalApp.path("appRoles"), "value")).hasSize(25).contains("Admin.Full", "Request.Server.Csr");
        assertThat(values(portalApp.path("web").path("redirectUris"), null)).containsExactly("https://" + PORTAL + ".azurewebsites.net/signin-oidc");
        assertThat(portalApp.path("web").path("implicitGrantSettings").path("enableIdTokenIssuance").asBoolean()).isTrue();
        String portalSp = azure.servicePrincipalByAppId(portalApp.path("appId").asString()).path("id").asString();
        assertThat(azure.oauth2PermissionGrants()).anySatisfy(g -> {
            assertThat(g.clientId()).isEqualTo(portalSp);
            assertThat(g.scope()).isEqualTo("User.Read");
        });

        assertThat(roleDefinitionsOf(core.principalId(), "stgscepmancontoso")).containsExactly(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR);
        assertThat(roleDefinitionsOf(portal.principalId(), "stgscepmancontoso")).containsExactly(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR);
        assertThat(roleDefinitionsOf(core.principalId(), "kv-scepman-contoso")).containsExactlyInAnyOrder(ResourceManager.KEY_VAULT_CRYPTO_OFFICER,
                ResourceManager.KEY_VAULT_CERTIFICATES_OFFICER, ResourceManager.KEY_VAULT_SECRETS_USER);
        assertThat(roleDefinitionsOf(portal.principalId(), "kv-scepman-contoso")).as("Certificate Master never touches the CA key").isEmpty();

        assertThat(core.settings()).containsEntry("AppConfig:AuthConfig:ApplicationId", api.path("appId").asString())
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(NOW.getEpochSecond()))
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityPermissionLevel", "2")
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityEnabledForWebsiteHostname", CORE + ".azurewebsites.net")
                .containsEntry("AppConfig:CertMaster:URL", "https://" + PORTAL + ".azurewebsites.net/")
                .containsEntry("AppConfig:DirectCSRValidation:Enabled", "true")
                .containsKey("AppConfig:KeyVaultConfig:KeyVaultURL");
        assertThat(portal.settings()).containsEntry("AppConfig:AuthConfig:ApplicationId", portalApp.path("appId").asString())
                .containsEntry("AppConfig:AuthConfig:SCEPmanAPIScope", "api://" + api.path("appId").asString())
                .containsEntry("AppConfig:AuthConfig:TenantId", azure.tenantId())
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityPermissionLevel", "2");

        azure.clearRequests();
        assertThat(run(core())).isFalse();
        assertThat(printed()).contains("No changes.");
        assertThat(azure.writes()).isEmpty();
        assertThat(core.settings()).as("a run that changes nothing leaves the time alone")
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(NOW.getEpochSecond()));
    }

    @Test
    void whatIfPrintsThePlanAndChangesNothing() throws Exception {
        freshTwoX();
        azure.clearRequests();

        assertThat(run(core(), ADMIN, true, false)).isTrue();

        assertThat(printed()).contains("--what-if", "Grant the managed identity of " + CORE, "App registration SCEPman-api: register it");
        assertThat(azure.writes()).isEmpty();
        assertThat(azure.applications()).isEmpty();
    }

    @Test
    void aOneXInstallationIsUpgradedWithTheSuggestedNamesAndBackupsAndItsKeyRemoved() throws Exception {
        SimSite core = oneX();
        answers.add("");  // Certificate Master's name: accept the suggestion
        answers.add("");  // the storage account's name: accept the suggestion

        run(core());

        assertThat(questions).containsExactly(
                "No Certificate Master app service found. Name of the one to create [" + CORE + "-cm]",
                "Name of the storage account to create (3-24 lower-case letters and digits) [stgrgscepmancm]");
        assertThat(printed()).contains("a 1.x installation", "No storage account is configured");
        assertThat(core.principalId()).isNotNull();
        SimSite portal = azure.site(SUB, RG, CORE + "-cm");
        assertThat(portal.serverFarmId()).isEqualTo(core.serverFarmId());
        assertThat(portal.principalId()).isNotNull();
        assertThat(portal.httpsOnly()).isTrue();
        assertThat(azure.storageAccounts()).singleElement().satisfies(account -> {
            assertThat(account.name()).isEqualTo("stgrgscepmancm");
            assertThat(account.properties().path("allowSharedKeyAccess").asBoolean(true)).isFalse();
            assertThat(account.properties().path("minimumTlsVersion").asString()).isEqualTo("TLS1_2");
        });
        String table = "https://stgrgscepmancm.table.core.windows.net/";
        assertThat(roleDefinitionsOf(core.principalId(), "stgrgscepmancm")).containsExactly(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR);
        assertThat(roleDefinitionsOf(portal.principalId(), "stgrgscepmancm")).containsExactly(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR);

        assertThat(core.settings()).containsEntry("Backup:AppConfig:AuthConfig:ApplicationId", OLD_APP_ID)
                .containsEntry("Backup:AppConfig:AuthConfig:ApplicationKey", "one-x-secret")
                .doesNotContainKey("AppConfig:AuthConfig:ApplicationKey")
                .containsEntry("AppConfig:AuthConfig:ApplicationId", appId("SCEPman-api"))
                .containsEntry("AppConfig:CertificateStorage:TableStorageEndpoint", table)
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(NOW.getEpochSecond()))
                .containsEntry("AppConfig:LicenseKey", "trial");
        assertThat(portal.settings()).containsEntry("AppConfig:AzureStorage:TableStorageEndpoint", table)
                .containsEntry("AppConfig:SCEPman:URL", "https://" + CORE + ".azurewebsites.net/");
        assertThat(printed()).doesNotContain("one-x-secret");

        questions.clear();
        assertThat(run(core())).isFalse();
        assertThat(questions).as("the second run finds both by their settings and asks nothing").isEmpty();
        assertThat(printed()).contains("No changes.");
    }

    @Test
    void withoutATerminalAMissingAnswerIsAnErrorNamingItsOption() {
        oneX();
        assertThatThrownBy(() -> run(core())).isInstanceOf(InstallationException.class)
                .hasMessageContaining("--certmaster-app-service-name").hasMessageContaining(CORE + "-cm");
        assertThat(azure.writes()).isEmpty();
        assertThatThrownBy(() -> run(AzureOptions.forApp(null))).hasMessageContaining("--scepman-app-service-name");
    }

    @Test
    void anExistingBackupIsNeverOverwrittenAndSettingNamesAreReadCaseInsensitively() throws Exception {
        SimSite core = oneX();
        core.settings().put("BackUp:AppConfig:AuthConfig:ApplicationId", "33333333-3333-4333-8333-333333333333");

        run(core().withCertMasterAppServiceName(PORTAL).withStorageAccountName("stgcontoso"));

        assertThat(core.settings()).containsEntry("BackUp:AppConfig:AuthConfig:ApplicationId", "33333333-3333-4333-8333-333333333333")
                .doesNotContainKey("Backup:AppConfig:AuthConfig:ApplicationId");
    }

    @Test
    void everySlotIsUpdatedAndProductionLast() throws Exception {
        SimSite core = freshTwoX();
        SimSite staging = core.addSlot("staging");
        staging.enableSystemIdentity();
        SimSite canary = core.addSlot("canary");  // no identity yet
        canary.settings().put("AppConfig:AuthConfig:ApplicationKey", "slot-key");

        run(core());

        assertThat(printed()).contains("Deployment slots: staging, canary", "Deployment slot canary still signs in with a 1.x application key");
        assertThat(canary.principalId()).isNotNull();
        for (SimSite slot : List.of(staging, canary)) {
            assertThat(azure.appRoleAssignments(slot.principalId())).contains(DIRECTORY_READ_ALL, MANAGED_DEVICES_READ_ALL);
            assertThat(slot.settings()).containsEntry("AppConfig:AuthConfig:ApplicationId", appId("SCEPman-api"))
                    .containsEntry("AppConfig:AuthConfig:ManagedIdentityEnabledForWebsiteHostname", slot.defaultHostName());
        }
        assertThat(canary.settings()).containsEntry("Backup:AppConfig:AuthConfig:ApplicationKey", "slot-key")
                .doesNotContainKey("AppConfig:AuthConfig:ApplicationKey");
        List<String> settingWrites = azure.writes().stream().filter(c -> c.method().equals("PUT") && c.path().endsWith("/config/appsettings"))
                .map(c -> c.path()).toList();
        assertThat(settingWrites.get(settingWrites.size() - 1)).endsWith("/sites/" + CORE + "/config/appsettings");
        assertThat(run(core())).isFalse();
    }

    @Test
    void aNamedSlotIsTheOnlyOneUpdatedAndCertificateMasterTalksToIt() throws Exception {
        SimSite core = freshTwoX();
        SimSite staging = core.addSlot("staging");
        staging.enableSystemIdentity();
        core.addSlot("canary").enableSystemIdentity();

        run(core().withDeploymentSlotName("staging"));

        assertThat(staging.settings()).containsKey("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime");
        assertThat(core.settings()).doesNotContainKey("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime");
        assertThat(core.slot("canary").settings()).isEmpty();
        assertThat(azure.appRoleAssignments(core.principalId())).isEmpty();
        assertThat(azure.site(SUB, RG, PORTAL).settings()).as("set once, when Certificate Master is made; an admin may have changed it")
                .containsEntry("AppConfig:SCEPman:URL", "https://" + CORE + ".azurewebsites.net/");
    }

    @Test
    void productionIsNoDeploymentSlotAndAnUnknownSlotIsNamed() {
        SimSite core = freshTwoX();
        core.addSlot("staging");
        assertThatThrownBy(() -> run(core().withDeploymentSlotName("production")))
                .hasMessageContaining("production app, which is not a deployment slot").hasMessageContaining("leave out --deployment-slot-name");
        assertThatThrownBy(() -> run(core().withDeploymentSlotName("stagign"))).hasMessageContaining("no deployment slot \"stagign\"")
                .hasMessageContaining("staging");
        assertThat(azure.writes()).isEmpty();
    }

    @Test
    void aRunThatFailsHalfWayIsCompletedByTheNextRun() throws Exception {
        SimSite core = oneX();
        azure.failNext("PUT", "/arm/subscriptions/.*/storageAccounts/.*", 500, "InternalServerError", "Something went wrong.", 100);

        assertThatThrownBy(() -> run(core().withCertMasterAppServiceName(PORTAL).withStorageAccountName("stgcontoso")))
                .isInstanceOf(InstallationException.class)
                .hasMessageContaining("Failed: Create the storage account stgcontoso")
                .hasMessageContaining("InternalServerError")
                .hasMessageContaining("run again");
        assertThat(core.principalId()).as("what came before the failure stays done").isNotNull();
        assertThat(core.settings()).containsKey("AppConfig:AuthConfig:ApplicationKey");

        azure.clearFailures();
        run(core().withStorageAccountName("stgcontoso"));
        assertThat(printed()).contains("Certificate Master app service: " + PORTAL, "Checked: reading the installation again");
        assertThat(core.settings()).doesNotContainKey("AppConfig:AuthConfig:ApplicationKey");

        assertThat(run(core())).isFalse();
    }

    @Test
    void transientErrorsAndSlowReplicationOfNewPrincipalsAreWaitedOut() throws Exception {
        oneX();
        azure.replicationDelay(3);
        azure.failNext("POST", "/graph/v1.0/applications", 503, "ServiceUnavailable", "Try again.", 2);

        run(core().withCertMasterAppServiceName(PORTAL).withStorageAccountName("stgcontoso"), ADMIN, false, true);

        assertThat(printed()).doesNotContain("one-x-secret");
        assertThat(printed()).contains("waiting for Entra ID to replicate a new principal", "Checked: reading the installation again",
                "  " + CORE + ": managed identity none", "SCEPman-api: not registered", "  GET /arm/subscriptions -> 200");
        assertThat(azure.requests().stream().filter(c -> c.path().equals("/graph/v1.0/applications") && c.status() == 503)).hasSize(2);
    }

    @Test
    void somebodyWithoutTheRightToAssignRolesIsToldWhichRoleIsMissing() {
        freshTwoX();
        azure.addUser("contributor@contoso.example").grantArmRole("/subscriptions/" + SUB, "Contributor").grantEntraRole("Global Administrator");
        assertThatThrownBy(() -> run(core(), "contributor@contoso.example", false, false))
                .hasMessageContaining("Owner or User Access Administrator").hasMessageContaining("roleAssignments/write");
    }

    @Test
    void anApplicationAdministratorIsToldThatGrantsNeedAPrivilegedRoleAdministrator() {
        freshTwoX();
        azure.addUser("appadmin@contoso.example").grantArmRole("/subscriptions/" + SUB, "Owner").grantEntraRole("Application Administrator");
        assertThatThrownBy(() -> run(core(), "appadmin@contoso.example", false, false))
                .hasMessageContaining("Privileged Role Administrator or Global Administrator")
                .hasMessageContaining("--skip-app-role-assignments");
    }

    @Test
    void skippingAppRoleAssignmentsPrintsTheGrantsForAnAdminAndRecordsTheLevelReached() throws Exception {
        SimSite core = freshTwoX();
        azure.addUser("appadmin@contoso.example").grantArmRole("/subscriptions/" + SUB, "Owner").grantEntraRole("Application Administrator");

        run(core().withSkipAppRoleAssignments(true), "appadmin@contoso.example", false, false);

        assertThat(azure.appRoleAssignments(core.principalId())).isEmpty();
        assertThat(printed()).contains("--skip-app-role-assignments: these grants were not made",
                "az rest --method post --uri " + azure.graphBaseUri() + "/v1.0/servicePrincipals/" + core.principalId() + "/appRoleAssignments",
                "\"appRoleId\":\"" + DIRECTORY_READ_ALL + "\"", "oauth2PermissionGrants", "\"scope\":\"User.Read\"");
        assertThat(core.settings()).containsEntry("AppConfig:AuthConfig:ManagedIdentityPermissionLevel", "-1");
        assertThat(azure.appRoleAssignments(azure.site(SUB, RG, PORTAL).principalId()))
                .as("CSR.Request on our own app needs no privileged role").containsExactly(roleId(application("SCEPman-api"), "CSR.Request"));

        // A Global Administrator then completes it; the time moves, since the permissions changed.
        run(core());
        assertThat(core.settings()).containsEntry("AppConfig:AuthConfig:ManagedIdentityPermissionLevel", "2")
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime", String.valueOf(NOW.plusSeconds(3600).getEpochSecond()));
    }

    @Test
    void leastPrivilegeGrantsDeviceUserAndApplicationReadInsteadOfDirectoryRead() throws Exception {
        SimSite core = freshTwoX();
        azure.withIntune(false);

        run(core().withLeastPrivilege(true));

        assertThat(azure.appRoleAssignments(core.principalId())).containsExactlyInAnyOrder(DEVICE_READ_ALL, USER_READ_ALL,
                APPLICATION_READ_ALL, MANAGED_DEVICES_READ_ALL, DEVICE_CONFIGURATION_READ_ALL, RISKY_USER_READ_ALL);
        assertThat(printed()).contains("Intune is not used in this tenant");
    }

    @Test
    void withSeveralSubscriptionsItAsksOrSearchesAndNeverGuesses() throws Exception {
        azure.addSubscription(OTHER_SUB, "Contoso test");
        admin.grantArmRole("/subscriptions/" + OTHER_SUB, "Reader");
        azure.addWebApp(OTHER_SUB, "rg-other", "unrelated", "westeurope", false);
        freshTwoX();

        assertThatThrownBy(() -> run(core())).hasMessageContaining("--subscription-id");

        answers.add("1");
        run(core().withSkipCertificateMaster(true));
        assertThat(questions).anySatisfy(q -> assertThat(q).startsWith("Subscription of the SCEPman app service"));
        assertThat(printed()).contains("1. Contoso production (" + SUB + ")", "2. Contoso test (" + OTHER_SUB + ")", "Subscription: Contoso production");

        questions.clear();
        run(core().withSearchAllSubscriptions(true));
        assertThat(questions).isEmpty();
        assertThat(printed()).contains("Subscription: Contoso production");

        // App Service names are global, so a search finds one app or none.
        assertThatThrownBy(() -> run(AzureOptions.forApp("scepman-typo").withSearchAllSubscriptions(true)))
                .hasMessageContaining("found 0 app services named scepman-typo").hasMessageContaining("--subscription-id");
        run(core().withSubscriptionId(SUB));
        assertThat(printed()).contains("No changes.");
    }

    @Test
    void onLinuxTheSettingsAreWrittenWithDoubleUnderscores() throws Exception {
        SimSite core = azure.addWebApp(SUB, RG, CORE, "westeurope", true);
        core.enableSystemIdentity();
        azure.addStorageAccount(SUB, RG, "stgscepmancontoso");
        core.settings().put("AppConfig__CertificateStorage__TableStorageEndpoint", TABLE);

        run(core().withSkipCertificateMaster(true));

        assertThat(core.settings()).containsKey("AppConfig__AuthConfig__ApplicationId")
                .containsKey("AppConfig__AuthConfig__ManagedIdentityEnabledOnUnixTime")
                .noneSatisfy((k, v) -> assertThat(k).contains(":"));
        assertThat(run(core().withSkipCertificateMaster(true))).isFalse();
    }

    @Test
    void anAccessPolicyVaultGetsAPolicyInsteadOfRoles() throws Exception {
        SimSite core = withStorage(azure.addWebApp(SUB, RG, CORE, "westeurope", false));
        core.enableSystemIdentity();
        azure.addKeyVault(SUB, RG, "kv-policies", false);
        core.settings().put("AppConfig:KeyVaultConfig:KeyVaultURL", "https://KV-POLICIES.vault.azure.net");

        run(core().withSkipCertificateMaster(true));

        assertThat(azure.keyVault("kv-policies").accessPolicies()).singleElement().satisfies(p -> {
            assertThat(p.objectId()).isEqualTo(core.principalId());
            assertThat(p.keys()).contains("get", "create", "unwrapKey", "sign");
            assertThat(p.keys()).doesNotContain("purge", "delete", "backup");
        });
        assertThat(run(core().withSkipCertificateMaster(true))).isFalse();
    }

    @Test
    void aOneXAppKeepsItsKeyUntilItsIdentityHoldsPermissions() throws Exception {
        SimSite core = oneX();
        azure.addUser("appadmin@contoso.example").grantArmRole("/subscriptions/" + SUB, "Owner").grantEntraRole("Application Administrator");
        AzureOptions options = core().withCertMasterAppServiceName(PORTAL).withStorageAccountName("stgcontoso");

        run(options.withSkipAppRoleAssignments(true), "appadmin@contoso.example", false, false);

        assertThat(printed()).contains("Kept the 1.x application id and key of " + CORE);
        assertThat(core.settings()).containsEntry("AppConfig:AuthConfig:ApplicationKey", "one-x-secret")
                .containsEntry("AppConfig:AuthConfig:ApplicationId", OLD_APP_ID)
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityPermissionLevel", "-1")
                .doesNotContainKey("AppConfig:AuthConfig:ManagedIdentityEnabledOnUnixTime");

        run(options);
        assertThat(core.settings()).doesNotContainKey("AppConfig:AuthConfig:ApplicationKey")
                .containsEntry("Backup:AppConfig:AuthConfig:ApplicationKey", "one-x-secret")
                .containsEntry("AppConfig:AuthConfig:ApplicationId", appId("SCEPman-api"))
                .containsEntry("AppConfig:AuthConfig:ManagedIdentityPermissionLevel", "2");
    }

    @Test
    void turningOnTheSystemIdentityKeepsTheUserAssignedOnes() throws Exception {
        String userAssigned = "/subscriptions/" + SUB + "/resourceGroups/" + RG + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-kv";
        SimSite core = withStorage(azure.addWebApp(SUB, RG, CORE, "westeurope", false)).addUserAssignedIdentity(userAssigned);

        run(core().withSkipCertificateMaster(true));

        assertThat(core.principalId()).isNotNull();
        assertThat(core.userAssignedIdentities()).containsExactly(userAssigned);
    }

    @Test
    void aTableEndpointWithoutItsTrailingSlashStillFindsItsAccount() throws Exception {
        SimSite core = azure.addWebApp(SUB, RG, CORE, "westeurope", false);
        core.enableSystemIdentity();
        azure.addStorageAccount(SUB, RG, "stgscepmancontoso");
        core.settings().put("AppConfig:CertificateStorage:TableStorageEndpoint", "https://STGSCEPMANCONTOSO.table.core.windows.net");

        run(core().withSkipCertificateMaster(true));

        assertThat(printed()).doesNotContain("role assignments are not checked");
        assertThat(roleDefinitionsOf(core.principalId(), "stgscepmancontoso")).containsExactly(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR);
    }

    @Test
    void anExistingConsentGainsUserReadAndTwoRegistrationsOfOneNameAreAnError() throws Exception {
        freshTwoX();
        run(core().withSkipAppRoleAssignments(true));  // registers SCEPman-CertMaster, consents to nothing
        String portalSp = azure.servicePrincipalByAppId(appId("SCEPman-CertMaster")).path("id").asString();
        String graphSp = azure.servicePrincipalByAppId(AzureSimulator.MICROSOFT_GRAPH_APP_ID).path("id").asString();
        azure.addPermissionGrant(portalSp, graphSp, "openid");

        run(core());

        assertThat(azure.oauth2PermissionGrants()).singleElement().satisfies(g -> assertThat(g.scope()).isEqualTo("openid User.Read"));
        assertThat(run(core())).isFalse();

        // Somebody registered a second SCEPman-api by hand: which one the core uses cannot be guessed.
        String token = azure.token(ADMIN, azure.graphBaseUri() + "/.default");
        HttpClient http = HttpClient.newBuilder().sslContext(azure.sslContext()).build();
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(azure.graphBaseUri() + "/v1.0/applications"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"displayName\":\"SCEPman-api\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThatThrownBy(() -> run(core())).hasMessageContaining("2 app registrations are named SCEPman-api")
                .hasMessageContaining("--api-app-name");
    }

    @Test
    void theCertificateMasterOptionsCannotBeCombinedWithSkippingIt() {
        assertThatThrownBy(() -> run(core().withSkipCertificateMaster(true).withCertMasterAppServiceName(PORTAL)))
                .hasMessageContaining("--skip-certificate-master cannot be combined");
    }

    // ---------------------------------------------------------------- helpers

    static String roleId(JsonNode application, String value) {
        for (JsonNode role : application.path("appRoles")) {
            if (role.path("value").asString().equals(value)) {
                return role.path("id").asString();
            }
        }
        throw new AssertionError("no app role " + value);
    }

    static List<String> values(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : array) {
            values.add(field == null ? item.asString() : item.path(field).asString());
        }
        return values;
    }
}
