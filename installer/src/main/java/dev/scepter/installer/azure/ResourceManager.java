package dev.scepter.installer.azure;

import static dev.scepter.installer.azure.AzureRest.Api.ARM;

import dev.scepter.installer.AppSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The Azure Resource Manager calls the installer makes, with the api-versions it was built against. */
public final class ResourceManager {

    static final String WEB = "api-version=2023-12-01";
    static final String STORAGE = "api-version=2023-05-01";
    static final String AUTHORIZATION = "api-version=2022-04-01";
    static final String KEY_VAULT = "api-version=2023-07-01";
    static final String SUBSCRIPTIONS = "api-version=2022-12-01";

    /** Built-in role definitions (the same ids in every tenant). */
    public static final String STORAGE_TABLE_DATA_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public static final String KEY_VAULT_CRYPTO_OFFICER = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603";
    public static final String KEY_VAULT_CERTIFICATES_OFFICER = "a4417e6f-fecd-4de8-b567-7b0420556985";
    public static final String KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

    private final AzureRest rest;

    public ResourceManager(AzureRest rest) {
        this.rest = rest;
    }

    public record Subscription(String id, String displayName, String tenantId) {
    }

    public record StorageAccount(String id, String name, String tableEndpoint) {
    }

    public record KeyVault(String id, String name, String vaultUri, boolean rbac, JsonNode accessPolicies) {
    }

    public List<Subscription> subscriptions() throws AzureCallException {
        List<Subscription> result = new ArrayList<>();
        for (JsonNode s : rest.list(ARM, "/subscriptions?" + SUBSCRIPTIONS)) {
            if (s.path("state").asString("Enabled").equals("Enabled")) {
                result.add(new Subscription(s.path("subscriptionId").asString(), s.path("displayName").asString(""), s.path("tenantId").asString("")));
            }
        }
        return result;
    }

    public List<WebApp> webApps(String subscription, String resourceGroup) throws AzureCallException {
        String path = "/subscriptions/" + subscription + (resourceGroup == null ? "" : "/resourceGroups/" + resourceGroup)
                + "/providers/Microsoft.Web/sites?" + WEB;
        List<WebApp> apps = new ArrayList<>();
        for (JsonNode site : rest.list(ARM, path)) {
            apps.add(WebApp.fromArm(site));
        }
        return apps;
    }

    public Optional<WebApp> webApp(String subscription, String resourceGroup, String name) throws AzureCallException {
        try {
            return Optional.of(WebApp.fromArm(rest.get(ARM, "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                    + "/providers/Microsoft.Web/sites/" + name + "?" + WEB)));
        } catch (AzureCallException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public List<WebApp> slots(WebApp app) throws AzureCallException {
        List<WebApp> slots = new ArrayList<>();
        for (JsonNode slot : rest.list(ARM, app.armPath() + "/slots?" + WEB)) {
            slots.add(WebApp.fromArm(slot));
        }
        return slots;
    }

    /** Turns on the system-assigned managed identity; @return the app with its principal id. */
    public WebApp enableSystemIdentity(WebApp app) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        ObjectNode identity = body.putObject("identity");
        if (app.userAssignedIdentities().isEmpty()) {
            identity.put("type", "SystemAssigned");
        } else {
            // "SystemAssigned" alone would remove the user-assigned identities the app may use (for its Key Vault).
            identity.put("type", "SystemAssigned, UserAssigned");
            ObjectNode userAssigned = identity.putObject("userAssignedIdentities");
            app.userAssignedIdentities().forEach(id -> userAssigned.putObject(id));
        }
        WebApp updated = WebApp.fromArm(rest.patch(ARM, app.armPath() + "?" + WEB, body));
        if (updated.principalId() == null) {
            throw new AzureCallException("PATCH", app.armPath(), 200, "NoIdentity", "the app has no managed identity after enabling it");
        }
        return updated;
    }

    public AppSettings appSettings(WebApp app) throws AzureCallException {
        JsonNode properties = rest.post(ARM, app.armPath() + "/config/appsettings/list?" + WEB, null).path("properties");
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            values.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asString());
        }
        return new AppSettings(values, app.linux());
    }

    /** Replaces every application setting of the app (ARM has no partial update). */
    public void replaceAppSettings(WebApp app, AppSettings settings) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        ObjectNode properties = body.putObject("properties");
        settings.asMap().forEach(properties::put);
        rest.put(ARM, app.armPath() + "/config/appsettings?" + WEB, body);
    }

    /** Creates a web app on an existing plan, with a system-assigned identity, https only. */
    public WebApp createWebApp(WebApp planOwner, String resourceGroup, String name, Map<String, String> settings) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        body.put("location", planOwner.location());
        body.put("kind", planOwner.linux() ? "app,linux" : "app");
        body.putObject("identity").put("type", "SystemAssigned");
        ObjectNode properties = body.putObject("properties");
        properties.put("serverFarmId", planOwner.serverFarmId());
        properties.put("httpsOnly", true);
        properties.put("reserved", planOwner.linux());
        ObjectNode config = properties.putObject("siteConfig");
        config.put("alwaysOn", true);
        config.put("ftpsState", "Disabled");
        config.put("use32BitWorkerProcess", false);
        ArrayNode appSettings = config.putArray("appSettings");
        settings.forEach((k, v) -> appSettings.addObject().put("name", planOwner.linux() ? k.replace(":", "__") : k).put("value", v));
        String path = "/subscriptions/" + planOwner.subscriptionId() + "/resourceGroups/" + resourceGroup + "/providers/Microsoft.Web/sites/" + name;
        return WebApp.fromArm(rest.put(ARM, path + "?" + WEB, body));
    }

    public List<StorageAccount> storageAccounts(String subscription, String resourceGroup) throws AzureCallException {
        List<StorageAccount> accounts = new ArrayList<>();
        for (JsonNode a : rest.list(ARM, "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Storage/storageAccounts?" + STORAGE)) {
            accounts.add(storageAccount(a));
        }
        return accounts;
    }

    /** A StorageV2 account for Table Storage: no public blobs, no shared keys (identities only), TLS 1.2. */
    public StorageAccount createStorageAccount(String subscription, String resourceGroup, String name, String location) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        body.putObject("sku").put("name", "Standard_LRS");
        body.put("kind", "StorageV2");
        body.put("location", location);
        ObjectNode properties = body.putObject("properties");
        properties.put("accessTier", "Hot");
        properties.put("minimumTlsVersion", "TLS1_2");
        properties.put("supportsHttpsTrafficOnly", true);
        properties.put("allowBlobPublicAccess", false);
        properties.put("allowSharedKeyAccess", false);
        properties.put("allowCrossTenantReplication", false);
        String path = "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup + "/providers/Microsoft.Storage/storageAccounts/" + name;
        StorageAccount created = storageAccount(rest.put(ARM, path + "?" + STORAGE, body));
        if (created.tableEndpoint().isEmpty()) {
            // The operation's final answer may omit the account; read it.
            created = storageAccount(rest.get(ARM, path + "?" + STORAGE));
        }
        return created;
    }

    private static StorageAccount storageAccount(JsonNode a) {
        return new StorageAccount(a.path("id").asString(""), a.path("name").asString(""),
                a.path("properties").path("primaryEndpoints").path("table").asString(""));
    }

    /** Role definition ids (the GUIDs) the principal holds at the scope or above it. */
    public List<String> roleDefinitions(String scope, String principalId) throws AzureCallException {
        List<String> roles = new ArrayList<>();
        String filter = AzureRest.encode("principalId eq '" + principalId + "'");
        for (JsonNode a : rest.list(ARM, scope + "/providers/Microsoft.Authorization/roleAssignments?" + AUTHORIZATION + "&$filter=" + filter)) {
            String assignedAt = a.path("properties").path("scope").asString("");
            String at = assignedAt.toLowerCase(java.util.Locale.ROOT);
            String here = scope.toLowerCase(java.util.Locale.ROOT);
            if (here.equals(at) || here.startsWith(at + "/")) {
                String definition = a.path("properties").path("roleDefinitionId").asString("");
                roles.add(definition.substring(definition.lastIndexOf('/') + 1));
            }
        }
        return roles;
    }

    /** Assigns a built-in role; an assignment that already exists counts as done. */
    public void assignRole(String subscription, String scope, String principalId, String roleDefinition) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        ObjectNode properties = body.putObject("properties");
        properties.put("roleDefinitionId", "/subscriptions/" + subscription + "/providers/Microsoft.Authorization/roleDefinitions/" + roleDefinition);
        properties.put("principalId", principalId);
        properties.put("principalType", "ServicePrincipal");
        try {
            rest.writeForNewPrincipal(ARM, "PUT", scope + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID() + "?" + AUTHORIZATION, body);
        } catch (AzureCallException e) {
            if (!e.code().equals("RoleAssignmentExists")) {
                throw e;
            }
        }
    }

    public List<KeyVault> keyVaults(String subscription) throws AzureCallException {
        List<KeyVault> vaults = new ArrayList<>();
        for (JsonNode v : rest.list(ARM, "/subscriptions/" + subscription + "/providers/Microsoft.KeyVault/vaults?" + KEY_VAULT)) {
            JsonNode p = v.path("properties");
            vaults.add(new KeyVault(v.path("id").asString(""), v.path("name").asString(""), p.path("vaultUri").asString(""),
                    p.path("enableRbacAuthorization").asBoolean(false), p.path("accessPolicies")));
        }
        return vaults;
    }

    /** Adds permissions to a vault that uses access policies; Azure merges them with what the principal has. */
    public void addAccessPolicy(KeyVault vault, String tenantId, String objectId, Map<String, List<String>> permissions) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        ObjectNode policy = body.putObject("properties").putArray("accessPolicies").addObject();
        policy.put("tenantId", tenantId);
        policy.put("objectId", objectId);
        ObjectNode granted = policy.putObject("permissions");
        permissions.forEach((kind, list) -> list.forEach(granted.putArray(kind)::add));
        rest.writeForNewPrincipal(ARM, "PUT", vault.id() + "/accessPolicies/add?" + KEY_VAULT, body);
    }
}
