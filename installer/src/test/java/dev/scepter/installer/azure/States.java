package dev.scepter.installer.azure;

import static dev.scepter.installer.azure.AppSettingNames.API_SCOPE;
import static dev.scepter.installer.azure.AppSettingNames.APPLICATION_ID;
import static dev.scepter.installer.azure.AppSettingNames.CERTMASTER_TABLE_ENDPOINT;
import static dev.scepter.installer.azure.AppSettingNames.CERTMASTER_URL;
import static dev.scepter.installer.azure.AppSettingNames.CORE_TABLE_ENDPOINT;
import static dev.scepter.installer.azure.AppSettingNames.DIRECT_CSR;
import static dev.scepter.installer.azure.AppSettingNames.KEY_VAULT_URL;
import static dev.scepter.installer.azure.AppSettingNames.MANAGED_IDENTITY_HOST;
import static dev.scepter.installer.azure.AppSettingNames.MANAGED_IDENTITY_SINCE;
import static dev.scepter.installer.azure.AppSettingNames.PERMISSION_LEVEL;
import static dev.scepter.installer.azure.AppSettingNames.SCEPMAN_URL;
import static dev.scepter.installer.azure.AppSettingNames.TENANT_ID;

import dev.scepter.installer.azure.AzureState.Directory;
import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.AzureState.Registration;
import dev.scepter.installer.azure.AzureState.Target;
import dev.scepter.installer.azure.Manifests.AppRole;
import dev.scepter.installer.azure.Manifests.Permission;
import dev.scepter.installer.azure.MicrosoftGraph.ServicePrincipal;
import dev.scepter.installer.azure.ResourceManager.KeyVault;
import dev.scepter.installer.azure.ResourceManager.StorageAccount;
import dev.scepter.installer.azure.ResourceManager.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Installation states built by hand for the planners' unit tests: {@link #complete()} is an
 * installation with nothing left to do; a test takes one thing away and sees what is planned.
 */
final class States {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Subscription SUBSCRIPTION = new Subscription("sub-1", "Contoso production", "tenant-1");
    static final String CORE_HOST = "scepman-contoso.azurewebsites.net";
    static final String PORTAL_HOST = "scepman-contoso-cm.azurewebsites.net";
    static final String TABLE = "https://stgcontoso.table.core.windows.net/";
    static final String API_APP_ID = "11111111-aaaa-4aaa-8aaa-111111111111";
    static final String PORTAL_APP_ID = "22222222-bbbb-4bbb-8bbb-222222222222";
    static final String API_SP = "api-sp";
    static final String CSR_REQUEST_ROLE = "csr-request-role";
    static final ServicePrincipal GRAPH = resource("graph-sp", MicrosoftGraph.GRAPH_APP_ID, "Microsoft Graph",
            Stream.concat(Stream.concat(Manifests.corePermissions(true, false).stream(), Manifests.corePermissions(false, false).stream()),
                    Manifests.certMasterPermissions().stream()).map(Permission::value).distinct().toList());
    static final ServicePrincipal INTUNE = resource("intune-sp", MicrosoftGraph.INTUNE_APP_ID, "Microsoft Intune API", List.of("scep_challenge_provider"));
    static final StorageAccount STORAGE = new StorageAccount("/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stgcontoso",
            "stgcontoso", TABLE);

    // What a test changes before build().
    Target target = new Target(SUBSCRIPTION, "scepman-contoso", "rg", "scepman-contoso-cm", null);
    Instance core;
    Instance certMaster;
    StorageAccount storage = STORAGE;
    String tableEndpoint = TABLE;
    KeyVault vault = rbacVault();
    ServicePrincipal intune = INTUNE;
    Registration api = new Registration(application(API_APP_ID, Manifests.API_ROLES, false), apiPrincipal(true));
    Registration portalApp = new Registration(application(PORTAL_APP_ID, Manifests.CERTMASTER_ROLES, true),
            resource("portal-sp", PORTAL_APP_ID, "SCEPman-CertMaster", List.of()));
    boolean consented = true;

    /** Everything in place: identities, grants, roles, registrations, consent, settings. */
    static States complete() {
        States s = new States();
        s.core = new Instance(app("scepman-contoso", null, "core-mi", CORE_HOST), coreSettings(CORE_HOST), false, false,
                grants(Manifests.corePermissions(false, true)), List.of(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR), KeyVaultPlanner.ROLES);
        Set<String> portalGrants = new LinkedHashSet<>(grants(Manifests.certMasterPermissions()));
        portalGrants.add(API_SP + " " + CSR_REQUEST_ROLE);
        s.certMaster = new Instance(app("scepman-contoso-cm", null, "cm-mi", PORTAL_HOST), portalSettings(), true, false,
                portalGrants, List.of(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR), List.of());
        return s;
    }

    AzureState build() {
        return build(List.of(core));
    }

    AzureState build(List<Instance> cores) {
        return new AzureState(target, cores.get(cores.size() - 1).app(), cores, certMaster, storage, tableEndpoint, vault,
                new Directory(GRAPH, intune, api, certMaster == null ? Registration.NONE : portalApp, consented), List.of());
    }

    static WebApp app(String name, String slot, String principal, String host) {
        return new WebApp(SUBSCRIPTION.id(), "rg", name, slot, "westeurope", false, principal, host, List.of(host), "farm", List.of());
    }

    static Map<String, String> coreSettings(String host) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(APPLICATION_ID, API_APP_ID);
        settings.put(CERTMASTER_URL, "https://" + PORTAL_HOST + "/");
        settings.put(DIRECT_CSR, "true");
        settings.put(CORE_TABLE_ENDPOINT, TABLE);
        settings.put(MANAGED_IDENTITY_HOST, host);
        settings.put(PERMISSION_LEVEL, "2");
        settings.put(MANAGED_IDENTITY_SINCE, String.valueOf(NOW.minusSeconds(86400).getEpochSecond()));
        settings.put(KEY_VAULT_URL, "https://kv-contoso.vault.azure.net/");
        return settings;
    }

    static Map<String, String> portalSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(APPLICATION_ID, PORTAL_APP_ID);
        settings.put(API_SCOPE, "api://" + API_APP_ID);
        settings.put(TENANT_ID, SUBSCRIPTION.tenantId());
        settings.put(SCEPMAN_URL, "https://" + CORE_HOST + "/");
        settings.put(CERTMASTER_TABLE_ENDPOINT, TABLE);
        settings.put(PERMISSION_LEVEL, "2");
        settings.put(MANAGED_IDENTITY_SINCE, String.valueOf(NOW.minusSeconds(86400).getEpochSecond()));
        return settings;
    }

    static KeyVault rbacVault() {
        return new KeyVault("/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-contoso", "kv-contoso",
                "https://kv-contoso.vault.azure.net/", true, AzureRest.JSON.createArrayNode());
    }

    /** A vault with access policies: each principal with the permissions given, per kind ("keys", "secrets", "certificates"). */
    static KeyVault policyVault(String principal, Map<String, List<String>> permissions) {
        ArrayNode policies = AzureRest.JSON.createArrayNode();
        ObjectNode policy = policies.addObject();
        policy.put("objectId", principal);
        ObjectNode granted = policy.putObject("permissions");
        permissions.forEach((kind, list) -> list.forEach(granted.withArray(kind)::add));
        return new KeyVault(rbacVault().id(), "kv-contoso", "https://kv-contoso.vault.azure.net/", false, policies);
    }

    /** The grant keys ("resourceId appRoleId") of the permissions, as Graph lists them. */
    static Set<String> grants(List<Permission> permissions) {
        Set<String> keys = new LinkedHashSet<>();
        for (Permission p : permissions) {
            ServicePrincipal resource = p.resourceAppId().equals(MicrosoftGraph.INTUNE_APP_ID) ? INTUNE : GRAPH;
            keys.add(resource.id() + " " + resource.appRoleId(p.value()).orElseThrow());
        }
        return keys;
    }

    static String roleId(String value) {
        return UUID.nameUUIDFromBytes(value.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static ServicePrincipal resource(String id, String appId, String name, List<String> roles) {
        ArrayNode appRoles = AzureRest.JSON.createArrayNode();
        roles.forEach(r -> appRoles.addObject().put("value", r).put("id", roleId(r)));
        return new ServicePrincipal(id, appId, name, true, appRoles);
    }

    static ServicePrincipal apiPrincipal(boolean assignmentRequired) {
        ArrayNode appRoles = AzureRest.JSON.createArrayNode();
        appRoles.addObject().put("value", "CSR.Request").put("id", CSR_REQUEST_ROLE);
        return new ServicePrincipal(API_SP, API_APP_ID, "SCEPman-api", assignmentRequired, appRoles);
    }

    /** An app registration with the roles, its identifier URI, and for sign-in the redirect URI, ID tokens and User.Read. */
    static JsonNode application(String appId, List<AppRole> roles, boolean signIn) {
        ObjectNode app = AzureRest.object();
        app.put("id", "object-" + appId);
        app.put("appId", appId);
        ArrayNode appRoles = app.putArray("appRoles");
        roles.forEach(r -> appRoles.add(r.toGraph()));
        app.putArray("identifierUris").add("api://" + appId);
        if (signIn) {
            ObjectNode web = app.putObject("web");
            web.putArray("redirectUris").add("https://" + PORTAL_HOST + "/signin-oidc");
            web.putObject("implicitGrantSettings").put("enableIdTokenIssuance", true);
            ObjectNode graph = app.putArray("requiredResourceAccess").addObject();
            graph.put("resourceAppId", MicrosoftGraph.GRAPH_APP_ID);
            graph.putArray("resourceAccess").addObject().put("id", MicrosoftGraph.USER_READ_SCOPE_ID).put("type", "Scope");
        }
        return app;
    }

    static Instance withSettings(Instance instance, Map<String, String> settings) {
        return new Instance(instance.app(), settings, instance.certMaster(), instance.toCreate(), instance.granted(), instance.storageRoles(),
                instance.vaultRoles());
    }

    static Instance withGranted(Instance instance, Set<String> granted) {
        return instance.withAccess(granted, instance.storageRoles(), instance.vaultRoles());
    }

    static List<String> without(List<String> list, String removed) {
        List<String> copy = new ArrayList<>(list);
        copy.remove(removed);
        return copy;
    }

    static Map<String, String> without(Map<String, String> map, String removed) {
        Map<String, String> copy = new LinkedHashMap<>(map);
        copy.remove(removed);
        return copy;
    }
}
