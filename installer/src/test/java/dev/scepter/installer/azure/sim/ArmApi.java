package dev.scepter.installer.azure.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulated Azure Resource Manager: subscriptions, web apps and their slots and app settings,
 * storage accounts, Key Vaults and role assignments, with ARM's role-based authorization. All
 * methods run under the simulator's lock. Resource ids and names compare ignoring case, as in ARM.
 */
final class ArmApi {

    /** The built-in roles that give management rights, by role definition GUID. */
    private static final Map<String, String> BUILT_IN_ROLES = Map.of(
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
            "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor",
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator",
            "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader");
    private static final Set<String> READ = SimUser.ARM_ROLES;
    private static final Set<String> WRITE = Set.of("Owner", "Contributor");
    private static final Set<String> ASSIGN_ROLES = Set.of("Owner", "User Access Administrator");

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern ROLE_DEFINITION_ID = Pattern.compile(
            "(?:/subscriptions/[^/]+)?/providers/Microsoft\\.Authorization/roleDefinitions/(" + GUID + ")",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern STORAGE_ACCOUNT_NAME = Pattern.compile("[a-z0-9]{3,24}");
    private static final String DEFAULT_LOCATION = "westeurope";

    private static final String RESOURCE_GROUP = "/subscriptions/{sub}/resourceGroups/{rg}";
    private static final String SITE = RESOURCE_GROUP + "/providers/Microsoft.Web/sites/{site}";
    private static final String STORAGE_ACCOUNTS = RESOURCE_GROUP + "/providers/Microsoft.Storage/storageAccounts";
    private static final String VAULT = RESOURCE_GROUP + "/providers/Microsoft.KeyVault/vaults/{vault}";
    /** Any scope: a subscription, a resource group or a resource id. No dots: the router escapes them. */
    private static final String SCOPE = "(?<scope>/subscriptions/(?<sub>[^/]+)(?:/\\S+?)?)";
    private static final String ROLE_ASSIGNMENTS = SCOPE + "/providers/Microsoft.Authorization/roleAssignments";

    private record Subscription(String id, String displayName) {
    }

    /** A role assignment; {@code seeded} ones are a test user's rights, not the client's doing. */
    private record StoredAssignment(String name, String scope, String roleDefinitionId, String principalId,
            String principalType, boolean seeded) {

        String roleGuid() {
            return roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        }

        ObjectNode toJson() {
            ObjectNode json = Json.object();
            json.put("id", scope + "/providers/Microsoft.Authorization/roleAssignments/" + name);
            json.put("name", name);
            json.put("type", "Microsoft.Authorization/roleAssignments");
            ObjectNode properties = json.putObject("properties");
            properties.put("roleDefinitionId", roleDefinitionId);
            properties.put("principalId", principalId);
            properties.put("principalType", principalType);
            properties.put("scope", scope);
            return json;
        }
    }

    /** A storage account creation the client polls; it completes at the second poll. */
    private static final class StorageCreation {
        final SimStorageAccount account;
        boolean polled;

        StorageCreation(SimStorageAccount account) {
            this.account = account;
        }
    }

    private final Object lock;
    private final Directory directory;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, SimSite> sites = new LinkedHashMap<>();
    private final Map<String, SimStorageAccount> storageAccounts = new LinkedHashMap<>();
    private final Map<String, SimKeyVault> vaults = new LinkedHashMap<>();
    private final List<StoredAssignment> roleAssignments = new ArrayList<>();
    private final Map<String, StorageCreation> storageCreations = new LinkedHashMap<>();
    private final Router router = new Router();
    private String baseUri;

    ArmApi(Object lock, Directory directory) {
        this.lock = lock;
        this.directory = directory;
        router.on("GET", ROLE_ASSIGNMENTS, this::listRoleAssignments)
                .on("PUT", ROLE_ASSIGNMENTS + "/{name}", this::putRoleAssignment)
                .on("GET", "/subscriptions", (request, path) -> listSubscriptions(request))
                .on("GET", "/subscriptions/{sub}/providers/Microsoft.Web/sites",
                        (request, path) -> listSites(request, path.group("sub"), null))
                .on("GET", RESOURCE_GROUP + "/providers/Microsoft.Web/sites",
                        (request, path) -> listSites(request, path.group("sub"), path.group("rg")))
                .on("GET", SITE, (request, path) -> SimResponse.ok(
                        target(request, path, READ, "Microsoft.Web/sites/read").toJson()))
                .on("PUT", SITE, this::putSite)
                .on("PATCH", SITE + "(/slots/{slot})?", this::patchSite)
                .on("GET", SITE + "/slots", this::listSlots)
                .on("GET", SITE + "/slots/{slot}", (request, path) -> SimResponse.ok(
                        target(request, path, READ, "Microsoft.Web/sites/slots/read").toJson()))
                .on("POST", SITE + "(/slots/{slot})?/config/appsettings/list", this::listAppSettings)
                .on("PUT", SITE + "(/slots/{slot})?/config/appsettings", this::putAppSettings)
                .on("GET", STORAGE_ACCOUNTS, this::listStorageAccounts)
                .on("GET", STORAGE_ACCOUNTS + "/{account}", this::getStorageAccount)
                .on("PUT", STORAGE_ACCOUNTS + "/{account}", this::putStorageAccount)
                .on("GET", "/subscriptions/{sub}/providers/Microsoft.Storage/locations/{location}/asyncoperations/{op}",
                        this::pollStorageCreation)
                .on("GET", "/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults", this::listVaults)
                .on("GET", VAULT, (request, path) -> SimResponse.ok(
                        vault(request, path, READ, "Microsoft.KeyVault/vaults/read").toJson()))
                .on("PUT", VAULT + "/accessPolicies/add", this::addAccessPolicies);
    }

    /** Set once the server listens: storage's polling URLs are absolute. */
    void baseUri(String armBaseUri) {
        this.baseUri = armBaseUri;
    }

    SimResponse handle(SimRequest request) {
        return router.dispatch(request);
    }

    // ---- seeding and inspection (Java API, under the lock) ----

    void addSubscription(String id, String displayName) {
        if (subscriptions.putIfAbsent(key(id), new Subscription(id, displayName)) != null) {
            throw new IllegalArgumentException("subscription already exists: " + id);
        }
    }

    SimSite addWebApp(String subscriptionId, String resourceGroup, String name, String location, boolean linux) {
        String sub = seededSubscription(subscriptionId).id();
        if (siteNamed(name) != null) {
            throw new IllegalArgumentException("site name already taken: " + name);
        }
        SimSite site = SimSite.site(lock, directory, sub, resourceGroup, name, location, linux,
                SimSite.defaultPlanId(sub, resourceGroup, name));
        sites.put(key(sub, resourceGroup, name), site);
        return site;
    }

    SimKeyVault addKeyVault(String subscriptionId, String resourceGroup, String name, boolean rbac) {
        String sub = seededSubscription(subscriptionId).id();
        if (vaults.containsKey(key(name))) {
            throw new IllegalArgumentException("vault name already taken: " + name);
        }
        SimKeyVault vault = new SimKeyVault(lock, sub, resourceGroup, name, DEFAULT_LOCATION, rbac, directory.tenantId());
        vaults.put(key(name), vault);
        return vault;
    }

    SimStorageAccount addStorageAccount(String subscriptionId, String resourceGroup, String name) {
        String sub = seededSubscription(subscriptionId).id();
        if (!STORAGE_ACCOUNT_NAME.matcher(name).matches() || storageAccounts.containsKey(name)) {
            throw new IllegalArgumentException("invalid or taken storage account name: " + name);
        }
        ObjectNode properties = Json.object();
        properties.put("minimumTlsVersion", "TLS1_2");
        properties.put("allowBlobPublicAccess", false);
        properties.put("allowSharedKeyAccess", true);
        SimStorageAccount account = new SimStorageAccount(lock, sub, resourceGroup, name, DEFAULT_LOCATION,
                "Standard_LRS", "StorageV2", properties);
        storageAccounts.put(name, account);
        return account;
    }

    void seedRoleAssignment(String scope, String roleName, String principalId) {
        Matcher matcher = Pattern.compile("/subscriptions/([^/]+)(/.*)?").matcher(scope);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a subscription or resource scope: " + scope);
        }
        String guid = BUILT_IN_ROLES.entrySet().stream().filter(role -> role.getValue().equals(roleName))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        roleAssignments.add(new StoredAssignment(UUID.randomUUID().toString(), scope,
                roleDefinitionId(matcher.group(1), guid), principalId, "User", true));
    }

    SimSite site(String subscriptionId, String resourceGroup, String name) {
        return sites.get(key(subscriptionId, resourceGroup, name));
    }

    SimKeyVault keyVault(String name) {
        return vaults.get(key(name));
    }

    List<SimStorageAccount> storageAccounts() {
        return new ArrayList<>(storageAccounts.values());
    }

    /** The role assignments the client made (a test user's seeded rights are left out). */
    List<RoleAssignment> roleAssignments() {
        List<RoleAssignment> made = new ArrayList<>();
        for (StoredAssignment assignment : roleAssignments) {
            if (!assignment.seeded()) {
                made.add(new RoleAssignment(assignment.scope(), assignment.roleDefinitionId(),
                        assignment.principalId()));
            }
        }
        return made;
    }

    static String roleDefinitionId(String subscriptionId, String roleGuid) {
        return "/subscriptions/" + subscriptionId + "/providers/Microsoft.Authorization/roleDefinitions/" + roleGuid;
    }

    // ---- subscriptions ----

    private SimResponse listSubscriptions(SimRequest request) {
        List<ObjectNode> visible = new ArrayList<>();
        for (Subscription subscription : subscriptions.values()) {
            if (seesWithin(request.caller(), "/subscriptions/" + subscription.id())) {
                ObjectNode json = Json.object();
                json.put("id", "/subscriptions/" + subscription.id());
                json.put("subscriptionId", subscription.id());
                json.put("displayName", subscription.displayName());
                json.put("state", "Enabled");
                json.put("tenantId", directory.tenantId());
                visible.add(json);
            }
        }
        return SimResponse.ok(Json.list(visible));
    }

    // ---- web apps ----

    private SimResponse listSites(SimRequest request, String subscriptionId, String resourceGroup) {
        String sub = subscription(subscriptionId).id();
        String scope = resourceGroup == null ? "/subscriptions/" + sub : resourceGroupId(sub, resourceGroup);
        requireVisible(request, scope, "Microsoft.Web/sites/read");
        if (resourceGroup != null) {
            requireResourceGroup(sub, resourceGroup);
        }
        return SimResponse.ok(Json.list(readable(request, scope, sites.values(), SimSite::id, SimSite::toJson)));
    }

    private SimResponse putSite(SimRequest request, Matcher path) {
        String sub = subscription(path.group("sub")).id();
        String resourceGroup = path.group("rg");
        String name = path.group("site");
        authorize(request, siteId(sub, resourceGroup, name), WRITE, "Microsoft.Web/sites/write");
        ObjectNode body = request.json();
        ObjectNode properties = Json.object(body, "properties");
        String serverFarmId = Json.string(properties, "serverFarmId");
        Boolean httpsOnly = Json.bool(properties, "httpsOnly");
        Map<String, String> appSettings = appSettingsOf(Json.object(properties, "siteConfig"));
        boolean systemIdentity = wantsSystemIdentity(body);

        SimSite site = sites.get(key(sub, resourceGroup, name));
        boolean linux;
        String location = null;
        if (site == null) {
            location = Json.requiredString(body, "location");
            if (serverFarmId == null) {
                throw new SimError(400, "BadRequest", "A new site needs properties.serverFarmId.");
            }
            SimSite namesake = siteNamed(name);
            if (namesake != null) {
                throw new SimError(409, "Conflict", "Website with given name " + name + " already exists.");
            }
            String kind = Json.string(body, "kind");
            linux = kind != null && kind.toLowerCase(Locale.ROOT).contains("linux")
                    || Boolean.TRUE.equals(Json.bool(properties, "reserved"));
        } else {
            linux = site.linux();
        }
        if (serverFarmId != null && !isPlanInSubscription(sub, serverFarmId)) {
            throw new SimError(400, "BadRequest", "Cannot find ServerFarm with id " + serverFarmId + ".");
        }
        if (appSettings != null) {
            refuseColonsOnLinux(linux, appSettings);
        }

        if (site == null) {
            site = SimSite.site(lock, directory, sub, resourceGroup, name, location, linux, serverFarmId);
            site.httpsOnly(false);
            sites.put(key(sub, resourceGroup, name), site);
        } else if (serverFarmId != null) {
            site.serverFarmId(serverFarmId);
        }
        if (httpsOnly != null) {
            site.httpsOnly(httpsOnly);
        }
        if (appSettings != null) {
            site.replaceSettings(appSettings);
        }
        if (systemIdentity) {
            site.enableSystemIdentity();
        }
        return SimResponse.ok(site.toJson());
    }

    private SimResponse patchSite(SimRequest request, Matcher path) {
        SimSite site = target(request, path, WRITE,
                slotOf(path) == null ? "Microsoft.Web/sites/write" : "Microsoft.Web/sites/slots/write");
        // Only the identity is simulated; a PATCH of anything else changes nothing.
        ObjectNode body = request.json();
        if (wantsSystemIdentity(body)) {
            site.enableSystemIdentity();
        }
        String type = Json.string(Json.object(body, "identity"), "type");
        if (type != null) {
            List<String> kept = new ArrayList<>();
            if (type.toLowerCase(Locale.ROOT).contains("userassigned")) {
                JsonNode identities = body.path("identity").path("userAssignedIdentities");
                identities.propertyNames().forEach(kept::add);
            }
            site.replaceUserAssigned(kept);
        }
        return SimResponse.ok(site.toJson());
    }

    private SimResponse listSlots(SimRequest request, Matcher path) {
        SimSite site = target(request, path, READ, "Microsoft.Web/sites/slots/read");
        List<ObjectNode> slots = new ArrayList<>();
        site.slots().forEach(slot -> slots.add(slot.toJson()));
        return SimResponse.ok(Json.list(slots));
    }

    private SimResponse listAppSettings(SimRequest request, Matcher path) {
        SimSite site = target(request, path, WRITE, slotOf(path) == null
                ? "Microsoft.Web/sites/config/list/action" : "Microsoft.Web/sites/slots/config/list/action");
        return SimResponse.ok(appSettingsJson(site));
    }

    private SimResponse putAppSettings(SimRequest request, Matcher path) {
        SimSite site = target(request, path, WRITE, slotOf(path) == null
                ? "Microsoft.Web/sites/config/write" : "Microsoft.Web/sites/slots/config/write");
        ObjectNode properties = Json.object(request.json(), "properties");
        Map<String, String> settings = new LinkedHashMap<>();
        if (properties != null) {
            for (Map.Entry<String, JsonNode> setting : properties.properties()) {
                JsonNode value = setting.getValue();
                if (value.isContainer()) {
                    throw new InvalidBody("App setting '" + setting.getKey() + "' must have a text value.");
                }
                settings.put(setting.getKey(), value.isNull() ? "" : value.asString());
            }
        }
        refuseColonsOnLinux(site.linux(), settings);
        site.replaceSettings(settings);
        return SimResponse.ok(appSettingsJson(site));
    }

    /**
     * The site or slot a path names, after ARM's checks in ARM's order: the subscription exists,
     * the caller may act on the resource, the resource exists.
     */
    private SimSite target(SimRequest request, Matcher path, Set<String> roles, String action) {
        String sub = subscription(path.group("sub")).id();
        String resourceGroup = path.group("rg");
        String name = path.group("site");
        String slotName = slotOf(path);
        String id = siteId(sub, resourceGroup, name) + (slotName == null ? "" : "/slots/" + slotName);
        authorize(request, id, roles, action);
        SimSite site = sites.get(key(sub, resourceGroup, name));
        if (site == null) {
            throw resourceNotFound("Microsoft.Web/sites/" + name, resourceGroup);
        }
        if (slotName == null) {
            return site;
        }
        SimSite slot = site.slot(slotName);
        if (slot == null) {
            throw resourceNotFound("Microsoft.Web/sites/" + name + "/slots/" + slotName, resourceGroup);
        }
        return slot;
    }

    /** The slot a path names; null for the site itself, also on routes that have no slot part. */
    private static String slotOf(Matcher path) {
        try {
            return path.group("slot");
        } catch (IllegalArgumentException routeWithoutSlot) {
            return null;
        }
    }

    private static ObjectNode appSettingsJson(SimSite site) {
        ObjectNode json = Json.object();
        json.put("id", site.id() + "/config/appsettings");
        json.put("name", "appsettings");
        json.put("type", site.slotName() == null ? "Microsoft.Web/sites/config" : "Microsoft.Web/sites/slots/config");
        ObjectNode properties = json.putObject("properties");
        site.settingsSnapshot().forEach(properties::put);
        return json;
    }

    /** siteConfig.appSettings as a map; null when the body does not set them. */
    private static Map<String, String> appSettingsOf(ObjectNode siteConfig) {
        if (siteConfig == null || Json.array(siteConfig, "appSettings") == null) {
            return null;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (ObjectNode setting : Json.objectList(siteConfig, "appSettings")) {
            String value = Json.string(setting, "value");
            settings.put(Json.requiredString(setting, "name"), value == null ? "" : value);
        }
        return settings;
    }

    /** App Service on Linux passes settings as environment variables, where ':' is not allowed. */
    private static void refuseColonsOnLinux(boolean linux, Map<String, String> settings) {
        if (!linux) {
            return;
        }
        for (String name : settings.keySet()) {
            if (name.contains(":")) {
                throw new SimError(400, "BadRequest", "App setting name '" + name
                        + "' is not valid on App Service on Linux: use '__' instead of ':'.");
            }
        }
    }

    private static boolean wantsSystemIdentity(ObjectNode body) {
        String type = Json.string(Json.object(body, "identity"), "type");
        return type != null && type.toLowerCase(Locale.ROOT).contains("systemassigned");
    }

    private boolean isPlanInSubscription(String subscriptionId, String serverFarmId) {
        for (SimSite site : sites.values()) {
            if (site.subscriptionId().equalsIgnoreCase(subscriptionId)
                    && site.serverFarmId().equalsIgnoreCase(serverFarmId)) {
                return true;
            }
        }
        return false;
    }

    /** Site names are global: they are host names under azurewebsites.net. */
    private SimSite siteNamed(String name) {
        for (SimSite site : sites.values()) {
            if (site.name().equalsIgnoreCase(name)) {
                return site;
            }
        }
        return null;
    }

    // ---- storage ----

    private SimResponse listStorageAccounts(SimRequest request, Matcher path) {
        String sub = subscription(path.group("sub")).id();
        String scope = resourceGroupId(sub, path.group("rg"));
        requireVisible(request, scope, "Microsoft.Storage/storageAccounts/read");
        requireResourceGroup(sub, path.group("rg"));
        return SimResponse.ok(Json.list(readable(request, scope, storageAccounts.values(), SimStorageAccount::id,
                SimStorageAccount::toJson)));
    }

    private SimResponse getStorageAccount(SimRequest request, Matcher path) {
        String sub = subscription(path.group("sub")).id();
        String resourceGroup = path.group("rg");
        String name = path.group("account");
        authorize(request, storageAccountId(sub, resourceGroup, name), READ, "Microsoft.Storage/storageAccounts/read");
        SimStorageAccount account = storageAccounts.get(key(name));
        if (account == null || !account.id().equalsIgnoreCase(storageAccountId(sub, resourceGroup, name))) {
            throw resourceNotFound("Microsoft.Storage/storageAccounts/" + name, resourceGroup);
        }
        return SimResponse.ok(account.toJson());
    }

    private SimResponse putStorageAccount(SimRequest request, Matcher path) {
        String sub = subscription(path.group("sub")).id();
        String resourceGroup = path.group("rg");
        String name = path.group("account");
        String id = storageAccountId(sub, resourceGroup, name);
        authorize(request, id, WRITE, "Microsoft.Storage/storageAccounts/write");
        requireResourceGroup(sub, resourceGroup);
        ObjectNode body = request.json();
        if (!STORAGE_ACCOUNT_NAME.matcher(name).matches()) {
            throw new SimError(400, "AccountNameInvalid", name + " is not a valid storage account name. Storage "
                    + "account name must be between 3 and 24 characters in length and use numbers and lower-case "
                    + "letters only.");
        }
        String skuName = Json.string(Json.object(body, "sku"), "name");
        String kind = Json.string(body, "kind");
        ObjectNode properties = Json.object(body, "properties");
        SimStorageAccount existing = storageAccounts.get(name);
        if (existing != null) {
            if (!existing.id().equalsIgnoreCase(id)) {
                throw new SimError(409, "StorageAccountAlreadyTaken",
                        "The storage account named " + name + " is already taken.");
            }
            existing.update(skuName, kind, properties);
            return SimResponse.ok(existing.toJson());
        }
        String location = Json.requiredString(body, "location");
        SimStorageAccount account = new SimStorageAccount(lock, sub, resourceGroup, name, location,
                skuName == null ? "Standard_LRS" : skuName, kind == null ? "StorageV2" : kind,
                properties == null ? Json.object() : properties);
        storageAccounts.put(name, account);
        String operationId = UUID.randomUUID().toString();
        storageCreations.put(operationId, new StorageCreation(account));
        return SimResponse.accepted(pollingHeaders(sub, location, operationId));
    }

    /** The Location a creation answers with: 202 at the first poll, the account after. */
    private SimResponse pollStorageCreation(SimRequest request, Matcher path) {
        StorageCreation creation = storageCreations.get(path.group("op"));
        if (creation == null || !creation.account.subscriptionId().equalsIgnoreCase(path.group("sub"))) {
            throw new SimError(404, "ResourceNotFound", "The operation '" + path.group("op") + "' was not found.");
        }
        authorize(request, creation.account.id(), READ, "Microsoft.Storage/storageAccounts/read");
        if (!creation.polled) {
            creation.polled = true;
            return SimResponse.accepted(pollingHeaders(path.group("sub"), path.group("location"), path.group("op")));
        }
        return SimResponse.ok(creation.account.toJson());
    }

    private Map<String, String> pollingHeaders(String subscriptionId, String location, String operationId) {
        return Map.of("Location", baseUri + "/subscriptions/" + subscriptionId
                + "/providers/Microsoft.Storage/locations/" + location + "/asyncoperations/" + operationId
                + "?monitor=true&api-version=2023-05-01", "Retry-After", "0");
    }

    // ---- key vaults ----

    private SimResponse listVaults(SimRequest request, Matcher path) {
        String scope = "/subscriptions/" + subscription(path.group("sub")).id();
        requireVisible(request, scope, "Microsoft.KeyVault/vaults/read");
        return SimResponse.ok(Json.list(readable(request, scope, vaults.values(), SimKeyVault::id, SimKeyVault::toJson)));
    }

    private SimResponse addAccessPolicies(SimRequest request, Matcher path) {
        SimKeyVault vault = vault(request, path, WRITE, "Microsoft.KeyVault/vaults/accessPolicies/write");
        if (vault.rbac()) {
            throw new SimError(400, "BadRequest", "The vault '" + vault.name()
                    + "' uses Azure RBAC for authorization: access policies cannot be set on it.");
        }
        List<SimKeyVault.AccessPolicy> added = new ArrayList<>();
        for (ObjectNode policy : Json.objectList(Json.object(request.json(), "properties"), "accessPolicies")) {
            ObjectNode permissions = Json.object(policy, "permissions");
            added.add(new SimKeyVault.AccessPolicy(Json.requiredString(policy, "tenantId"),
                    Json.requiredString(policy, "objectId"), permissionList(permissions, "keys"),
                    permissionList(permissions, "secrets"), permissionList(permissions, "certificates")));
        }
        added.forEach(vault::addAccessPolicy);
        ObjectNode json = Json.object();
        json.put("id", vault.id() + "/accessPolicies/add");
        json.put("type", "Microsoft.KeyVault/vaults/accessPolicies");
        json.putObject("properties").set("accessPolicies", vault.accessPoliciesJson());
        return SimResponse.ok(json);
    }

    private static List<String> permissionList(ObjectNode permissions, String kind) {
        List<String> list = Json.stringList(permissions, kind);
        return list == null ? List.of() : list;
    }

    private SimKeyVault vault(SimRequest request, Matcher path, Set<String> roles, String action) {
        String sub = subscription(path.group("sub")).id();
        String resourceGroup = path.group("rg");
        String name = path.group("vault");
        String id = resourceGroupId(sub, resourceGroup) + "/providers/Microsoft.KeyVault/vaults/" + name;
        authorize(request, id, roles, action);
        SimKeyVault vault = vaults.get(key(name));
        if (vault == null || !vault.id().equalsIgnoreCase(id)) {
            throw resourceNotFound("Microsoft.KeyVault/vaults/" + name, resourceGroup);
        }
        return vault;
    }

    // ---- role assignments ----

    private SimResponse listRoleAssignments(SimRequest request, Matcher path) {
        subscription(path.group("sub"));
        String scope = path.group("scope");
        authorize(request, scope, READ, "Microsoft.Authorization/roleAssignments/read");
        requireScope(scope);
        EqFilter filter = EqFilter.parse(request.query("$filter"), Set.of("principalId"), "InvalidFilterInQueryString");
        List<ObjectNode> found = new ArrayList<>();
        for (StoredAssignment assignment : roleAssignments) {
            // As documented: the assignments at, above and below the scope.
            boolean related = covers(assignment.scope(), scope) || covers(scope, assignment.scope());
            if (related && (filter == null || filter.accepts("principalId", assignment.principalId()))) {
                found.add(assignment.toJson());
            }
        }
        return SimResponse.ok(Json.list(found));
    }

    private SimResponse putRoleAssignment(SimRequest request, Matcher path) {
        subscription(path.group("sub"));
        String scope = path.group("scope");
        String name = path.group("name");
        authorize(request, scope, ASSIGN_ROLES, "Microsoft.Authorization/roleAssignments/write");
        requireScope(scope);
        if (!GUID.matcher(name).matches()) {
            throw new SimError(400, "InvalidRoleAssignmentId", "The role assignment ID '" + name
                    + "' is not valid. The role assignment ID must be a GUID.");
        }
        ObjectNode properties = Json.object(request.json(), "properties");
        String roleDefinitionId = Json.requiredString(properties, "roleDefinitionId");
        String principalId = Json.requiredString(properties, "principalId");
        String principalType = Json.string(properties, "principalType");
        if (!ROLE_DEFINITION_ID.matcher(roleDefinitionId).matches()) {
            throw new SimError(400, "InvalidRoleDefinitionId",
                    "The role definition ID '" + roleDefinitionId + "' is not valid.");
        }
        if (!directory.referenceAsPrincipal(principalId)) {
            throw new SimError(400, "PrincipalNotFound", "Principal " + principalId.replace("-", "")
                    + " does not exist in the directory " + directory.tenantId() + ". Check that you have the "
                    + "correct principal ID. If you are creating this principal and then immediately assigning a "
                    + "role, this error might be related to a replication delay.");
        }
        StoredAssignment created = new StoredAssignment(name, scope, roleDefinitionId, principalId,
                principalType == null ? "ServicePrincipal" : principalType, false);
        for (StoredAssignment existing : roleAssignments) {
            if (existing.scope().equalsIgnoreCase(scope) && existing.principalId().equalsIgnoreCase(principalId)
                    && existing.roleGuid().equals(created.roleGuid())) {
                throw new SimError(409, "RoleAssignmentExists", "The role assignment already exists.");
            }
            if (existing.name().equalsIgnoreCase(name)) {
                throw new SimError(409, "RoleAssignmentUpdateNotPermitted",
                        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
            }
        }
        roleAssignments.add(created);
        return SimResponse.created(created.toJson());
    }

    /** A role assignment scope must exist: the subscription, a resource group, or a resource. */
    private void requireScope(String scope) {
        Matcher resourceGroup = Pattern.compile("/subscriptions/([^/]+)/resourceGroups/([^/]+)",
                Pattern.CASE_INSENSITIVE).matcher(scope);
        if (scope.matches("(?i)/subscriptions/[^/]+")) {
            return;
        }
        if (resourceGroup.matches()) {
            requireResourceGroup(resourceGroup.group(1), resourceGroup.group(2));
            return;
        }
        if (!resourceIds().contains(key(scope))) {
            throw new SimError(404, "ResourceNotFound", "The resource '" + scope + "' was not found.");
        }
    }

    // ---- authorization ----

    private void authorize(SimRequest request, String scope, Set<String> roles, String action) {
        SimUser caller = request.caller();
        if (!holdsRole(caller.objectId(), scope, roles)) {
            throw new SimError(403, "AuthorizationFailed", "The client '" + caller.upn() + "' with object id '"
                    + caller.objectId() + "' does not have authorization to perform action '" + action
                    + "' over scope '" + scope + "' or the scope is invalid.");
        }
    }

    private boolean holdsRole(String principalId, String scope, Set<String> roles) {
        for (StoredAssignment assignment : roleAssignments) {
            if (assignment.principalId().equalsIgnoreCase(principalId) && covers(assignment.scope(), scope)
                    && roles.contains(BUILT_IN_ROLES.get(assignment.roleGuid()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the caller has a role at, above or somewhere below the scope (so lists show it). */
    private boolean seesWithin(SimUser caller, String scope) {
        for (StoredAssignment assignment : roleAssignments) {
            if (assignment.principalId().equalsIgnoreCase(caller.objectId())
                    && BUILT_IN_ROLES.containsKey(assignment.roleGuid())
                    && (covers(assignment.scope(), scope) || covers(scope, assignment.scope()))) {
                return true;
            }
        }
        return false;
    }

    private void requireVisible(SimRequest request, String scope, String action) {
        if (!seesWithin(request.caller(), scope)) {
            authorize(request, scope, READ, action);
        }
    }

    /** The resources under the scope the caller may read, as JSON: ARM filters lists by rights. */
    private <T> List<ObjectNode> readable(SimRequest request, String scope, Iterable<T> resources,
            Function<T, String> id, Function<T, ObjectNode> json) {
        List<ObjectNode> readable = new ArrayList<>();
        for (T resource : resources) {
            String resourceId = id.apply(resource);
            if (covers(scope, resourceId) && holdsRole(request.caller().objectId(), resourceId, READ)) {
                readable.add(json.apply(resource));
            }
        }
        return readable;
    }

    /** Whether the outer scope is the inner one or one of its ancestors. */
    private static boolean covers(String outer, String inner) {
        String o = key(outer);
        String i = key(inner);
        return i.equals(o) || i.startsWith(o + "/");
    }

    // ---- lookups ----

    private Subscription subscription(String id) {
        Subscription subscription = subscriptions.get(key(id));
        if (subscription == null) {
            throw new SimError(404, "SubscriptionNotFound", "The subscription '" + id + "' could not be found.");
        }
        return subscription;
    }

    private Subscription seededSubscription(String id) {
        Subscription subscription = subscriptions.get(key(id));
        if (subscription == null) {
            throw new IllegalArgumentException("add the subscription first: " + id);
        }
        return subscription;
    }

    /** A resource group exists while it holds a resource (the simulator has no empty groups). */
    private void requireResourceGroup(String subscriptionId, String resourceGroup) {
        String prefix = key(resourceGroupId(subscriptionId, resourceGroup)) + "/";
        for (String id : resourceIds()) {
            if (id.startsWith(prefix)) {
                return;
            }
        }
        throw new SimError(404, "ResourceGroupNotFound", "Resource group '" + resourceGroup + "' could not be found.");
    }

    private List<String> resourceIds() {
        List<String> ids = new ArrayList<>();
        for (SimSite site : sites.values()) {
            ids.add(key(site.id()));
            site.slots().forEach(slot -> ids.add(key(slot.id())));
        }
        storageAccounts.values().forEach(account -> ids.add(key(account.id())));
        vaults.values().forEach(vault -> ids.add(key(vault.id())));
        return ids;
    }

    private static SimError resourceNotFound(String typeAndName, String resourceGroup) {
        return new SimError(404, "ResourceNotFound", "The Resource '" + typeAndName + "' under resource group '"
                + resourceGroup + "' was not found.");
    }

    private static String resourceGroupId(String subscriptionId, String resourceGroup) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup;
    }

    private static String siteId(String subscriptionId, String resourceGroup, String name) {
        return resourceGroupId(subscriptionId, resourceGroup) + "/providers/Microsoft.Web/sites/" + name;
    }

    private static String storageAccountId(String subscriptionId, String resourceGroup, String name) {
        return resourceGroupId(subscriptionId, resourceGroup) + "/providers/Microsoft.Storage/storageAccounts/" + name;
    }

    private static String key(String... parts) {
        return String.join("/", parts).toLowerCase(Locale.ROOT);
    }
}
