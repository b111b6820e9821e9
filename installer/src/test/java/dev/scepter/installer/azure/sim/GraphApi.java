package dev.scepter.installer.azure.sim;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulated Microsoft Graph v1.0: applications, service principals, app role assignments and
 * OAuth2 permission grants, with Entra's directory-role authorization. All methods run under the
 * simulator's lock. Applications are kept as the JSON objects Graph shows, since PATCH replaces
 * their properties one by one.
 */
final class GraphApi {

    static final String MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    static final String INTUNE_APP_ID = "c161e42e-d4df-4a3d-9b42-e7a3c31f59d4";
    /** The "default access" app role, which every resource has without declaring it. */
    private static final String DEFAULT_ACCESS_ROLE = "00000000-0000-0000-0000-000000000000";

    private static final Set<String> APPLICATION_ADMINS =
            Set.of("Global Administrator", "Application Administrator", "Cloud Application Administrator");
    private static final Set<String> PRIVILEGED_ROLE_ADMINS =
            Set.of("Global Administrator", "Privileged Role Administrator");
    /** Roles of the tenant's own applications may also be granted by application administrators. */
    private static final Set<String> OWN_APP_ROLE_ADMINS = Set.of("Global Administrator",
            "Privileged Role Administrator", "Application Administrator", "Cloud Application Administrator");

    /** An application of Microsoft's, whose service principal a tenant has or can create. */
    private record FirstPartyApp(String appId, String displayName, ArrayNode appRoles, ArrayNode scopes) {
    }

    private record AppRoleAssignment(String id, String appRoleId, String principalId, String resourceId,
            Instant created) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Directory directory;
    private final Map<String, FirstPartyApp> firstPartyApps = new LinkedHashMap<>();
    private final Map<String, ObjectNode> applications = new LinkedHashMap<>();
    private final List<AppRoleAssignment> appRoleAssignments = new ArrayList<>();
    private final List<PermissionGrant> permissionGrants = new ArrayList<>();
    private final Router router = new Router();

    GraphApi(Directory directory) {
        this.directory = directory;
        ArrayNode graphScopes = Json.array();
        ObjectNode userRead = graphScopes.addObject();
        userRead.put("id", "e1fe6dd8-ba31-4d61-89e7-88639da4683d");
        userRead.put("value", "User.Read");
        userRead.put("type", "User");
        userRead.put("isEnabled", true);
        userRead.put("adminConsentDisplayName", "Sign in and read user profile");
        addFirstPartyApp(new FirstPartyApp(MICROSOFT_GRAPH_APP_ID, "Microsoft Graph", applicationRoles(
                "Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
                "DeviceManagementManagedDevices.Read.All", "2f51be20-0bb4-4fed-bf7b-db946066c75e",
                "DeviceManagementConfiguration.Read.All", "dc377aa6-52d8-4e23-b271-2a7ae04cedf3",
                "IdentityRiskyUser.Read.All", "dc5007c0-2d7d-4c42-879c-2dab87571379",
                "Device.Read.All", "7438b122-aefc-4915-91ff-e4f8b3fb0ad5",
                "User.Read.All", "df021288-bdef-4463-88db-98f22de89214",
                "Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"), graphScopes));
        addFirstPartyApp(new FirstPartyApp(INTUNE_APP_ID, "Microsoft Intune API", applicationRoles(
                "scep_challenge_provider", "39d724e8-6a34-4930-9a36-364082c35716"), Json.array()));

        router.on("GET", "/v1.0/applications", this::listApplications)
                .on("POST", "/v1.0/applications", this::createApplication)
                .on("GET", "/v1.0/applications/{id}", (request, path) ->
                        SimResponse.ok(application(path.group("id")).deepCopy()))
                .on("PATCH", "/v1.0/applications/{id}", this::updateApplication)
                .on("GET", "/v1.0/servicePrincipals", this::listServicePrincipals)
                .on("POST", "/v1.0/servicePrincipals", this::createServicePrincipal)
                .on("GET", "/v1.0/servicePrincipals/{id}", (request, path) ->
                        SimResponse.ok(toJson(servicePrincipal(path.group("id")))))
                .on("PATCH", "/v1.0/servicePrincipals/{id}", this::updateServicePrincipal)
                .on("GET", "/v1.0/servicePrincipals/{id}/appRoleAssignments", this::listAppRoleAssignments)
                .on("POST", "/v1.0/servicePrincipals/{id}/appRoleAssignments", this::assignAppRole)
                .on("GET", "/v1.0/oauth2PermissionGrants", this::listPermissionGrants)
                .on("POST", "/v1.0/oauth2PermissionGrants", this::grantPermission)
                .on("PATCH", "/v1.0/oauth2PermissionGrants/{id}", this::updatePermissionGrant);
    }

    SimResponse handle(SimRequest request) {
        return router.dispatch(request);
    }

    // ---- seeding and inspection (Java API, under the lock) ----

    void intune(boolean present) {
        ServicePrincipal intune = directory.servicePrincipalByAppId(INTUNE_APP_ID);
        if (present && intune == null) {
            directory.addExisting(firstPartyPrincipal(firstPartyApps.get(INTUNE_APP_ID)));
        } else if (!present && intune != null) {
            directory.remove(intune);
            appRoleAssignments.removeIf(assignment -> assignment.resourceId().equals(intune.id)
                    || assignment.principalId().equals(intune.id));
        }
    }

    List<JsonNode> applications() {
        List<JsonNode> copies = new ArrayList<>();
        applications.values().forEach(application -> copies.add(application.deepCopy()));
        return copies;
    }

    JsonNode servicePrincipalByAppId(String appId) {
        ServicePrincipal principal = directory.servicePrincipalByAppId(appId);
        return principal == null ? null : toJson(principal);
    }

    List<String> appRoleAssignments(String principalId) {
        List<String> appRoleIds = new ArrayList<>();
        for (AppRoleAssignment assignment : appRoleAssignments) {
            if (assignment.principalId().equalsIgnoreCase(principalId)) {
                appRoleIds.add(assignment.appRoleId());
            }
        }
        return appRoleIds;
    }

    List<PermissionGrant> permissionGrants() {
        return List.copyOf(permissionGrants);
    }

    // ---- applications ----

    private SimResponse listApplications(SimRequest request, Matcher path) {
        EqFilter filter = filter(request, "displayName", "appId");
        List<ObjectNode> found = new ArrayList<>();
        for (ObjectNode application : applications.values()) {
            if (filter == null || filter.accepts("displayName", application.path("displayName").asString())
                    && filter.accepts("appId", application.path("appId").asString())) {
                found.add(application.deepCopy());
            }
        }
        return SimResponse.ok(Json.list(found));
    }

    private SimResponse createApplication(SimRequest request, Matcher path) {
        requireEntraRole(request, APPLICATION_ADMINS);
        ObjectNode application = request.json().deepCopy();
        Json.requiredString(application, "displayName");
        application.put("id", UUID.randomUUID().toString());
        application.put("appId", UUID.randomUUID().toString());
        withDefaults(application);
        validate(application, null);
        applications.put(application.get("id").asString(), application);
        return SimResponse.created(application.deepCopy());
    }

    private SimResponse updateApplication(SimRequest request, Matcher path) {
        requireEntraRole(request, APPLICATION_ADMINS);
        ObjectNode current = application(path.group("id"));
        ObjectNode changes = request.json();
        ObjectNode updated = current.deepCopy();
        for (Map.Entry<String, JsonNode> change : changes.properties()) {
            String property = change.getKey();
            if (property.equals("id") || property.equals("appId")) {
                if (!change.getValue().isString()
                        || !change.getValue().stringValue().equalsIgnoreCase(current.get(property).asString())) {
                    throw new SimError(400, "Request_BadRequest", "Property '" + property + "' is read-only.");
                }
            } else if (property.equals("web")) {
                // web is the one property merged rather than replaced: its sub-properties are.
                ObjectNode web = Json.object(changes, "web");
                if (web != null) {
                    ((ObjectNode) updated.get("web")).setAll(web.deepCopy());
                }
            } else {
                updated.set(property, change.getValue().deepCopy());
            }
        }
        withDefaults(updated);
        validate(updated, current);
        applications.put(current.get("id").asString(), updated);
        return SimResponse.noContent();
    }

    private ObjectNode application(String id) {
        ObjectNode application = applications.get(id.toLowerCase(Locale.ROOT));
        if (application == null) {
            throw notFound(id);
        }
        return application;
    }

    private ObjectNode applicationByAppId(String appId) {
        for (ObjectNode application : applications.values()) {
            if (application.get("appId").asString().equalsIgnoreCase(appId)) {
                return application;
            }
        }
        return null;
    }

    /** What Graph fills in for properties a new application was created without. */
    private static void withDefaults(ObjectNode application) {
        if (Json.string(application, "signInAudience") == null) {
            application.put("signInAudience", "AzureADMyOrg");
        }
        for (String array : List.of("identifierUris", "appRoles", "requiredResourceAccess")) {
            if (Json.array(application, array) == null) {
                application.putArray(array);
            }
        }
        ObjectNode web = Json.object(application, "web");
        if (web == null) {
            web = application.putObject("web");
        }
        if (Json.array(web, "redirectUris") == null) {
            web.putArray("redirectUris");
        }
        if (!web.has("homePageUrl")) {
            web.putNull("homePageUrl");
        }
        ObjectNode implicitGrant = Json.object(web, "implicitGrantSettings");
        if (implicitGrant == null) {
            implicitGrant = web.putObject("implicitGrantSettings");
        }
        for (String flag : List.of("enableIdTokenIssuance", "enableAccessTokenIssuance")) {
            if (Json.bool(implicitGrant, flag) == null) {
                implicitGrant.put(flag, false);
            }
        }
    }

    /** Graph's rules for an application as created or updated; {@code previous} is null at creation. */
    private static void validate(ObjectNode application, ObjectNode previous) {
        Json.string(application, "displayName");
        Json.stringList(Json.object(application, "web"), "redirectUris");
        Json.objectList(application, "requiredResourceAccess");
        for (String uri : Json.stringList(application, "identifierUris")) {
            if (!uri.startsWith("api://")) {
                throw new SimError(400, "Request_BadRequest",
                        "Invalid value specified for property 'identifierUris' of resource 'Application': " + uri);
            }
        }
        Set<String> ids = new HashSet<>();
        Set<String> values = new HashSet<>();
        for (ObjectNode role : Json.objectList(application, "appRoles")) {
            String value = Json.string(role, "value");
            if (!ids.add(Json.requiredString(role, "id").toLowerCase(Locale.ROOT))
                    || value != null && !values.add(value)) {
                throw new SimError(400, "Request_BadRequest",
                        "The app roles of an application must have unique ids and values.");
            }
        }
        if (previous != null) {
            for (ObjectNode role : Json.objectList(previous, "appRoles")) {
                boolean enabled = !Boolean.FALSE.equals(Json.bool(role, "isEnabled"));
                if (enabled && !ids.contains(role.get("id").asString().toLowerCase(Locale.ROOT))) {
                    throw new SimError(400, "CannotDeleteOrUpdateEnabledEntitlement",
                            "Permission (scope or role) cannot be deleted or updated unless disabled first.");
                }
            }
        }
    }

    // ---- service principals ----

    private SimResponse listServicePrincipals(SimRequest request, Matcher path) {
        EqFilter filter = filter(request, "appId", "displayName");
        List<ObjectNode> found = new ArrayList<>();
        for (ServicePrincipal principal : directory.servicePrincipals()) {
            ObjectNode json = toJson(principal);
            if (filter == null || filter.accepts("appId", principal.appId)
                    && filter.accepts("displayName", json.get("displayName").asString())) {
                found.add(json);
            }
        }
        return SimResponse.ok(Json.list(found));
    }

    private SimResponse createServicePrincipal(SimRequest request, Matcher path) {
        requireEntraRole(request, APPLICATION_ADMINS);
        ObjectNode body = request.json();
        String appId = Json.requiredString(body, "appId");
        Boolean assignmentRequired = Json.bool(body, "appRoleAssignmentRequired");
        List<String> tags = Json.stringList(body, "tags");
        if (directory.servicePrincipalByAppId(appId) != null) {
            throw new SimError(409, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be "
                    + "created, updated, or restored because the service principal name " + appId
                    + " is already in use.");
        }
        ObjectNode application = applicationByAppId(appId);
        FirstPartyApp firstParty = firstPartyApps.get(appId.toLowerCase(Locale.ROOT));
        ServicePrincipal principal;
        if (application != null) {
            principal = directory.create(application.get("appId").asString(), application.get("displayName").asString(),
                    ServicePrincipal.APPLICATION, directory.tenantId(), Json.array(), Json.array());
        } else if (firstParty != null) {
            // As in a real tenant, Microsoft's applications can be instantiated on demand.
            principal = directory.create(firstParty.appId(), firstParty.displayName(), ServicePrincipal.APPLICATION,
                    Directory.MICROSOFT_TENANT_ID, firstParty.appRoles().deepCopy(), firstParty.scopes().deepCopy());
        } else {
            throw new SimError(400, "Request_BadRequest", "The appId '" + appId
                    + "' of the service principal does not reference a valid application object.");
        }
        if (assignmentRequired != null) {
            principal.appRoleAssignmentRequired = assignmentRequired;
        }
        if (tags != null) {
            principal.tags = new ArrayList<>(tags);
        }
        return SimResponse.created(toJson(principal));
    }

    private SimResponse updateServicePrincipal(SimRequest request, Matcher path) {
        requireEntraRole(request, APPLICATION_ADMINS);
        ServicePrincipal principal = servicePrincipal(path.group("id"));
        ObjectNode body = request.json();
        Boolean assignmentRequired = Json.bool(body, "appRoleAssignmentRequired");
        List<String> tags = Json.stringList(body, "tags");
        if (assignmentRequired != null) {
            principal.appRoleAssignmentRequired = assignmentRequired;
        }
        if (tags != null) {
            principal.tags = new ArrayList<>(tags);
        }
        return SimResponse.noContent();
    }

    private ServicePrincipal servicePrincipal(String id) {
        ServicePrincipal principal = directory.servicePrincipal(id);
        if (principal == null) {
            throw notFound(id);
        }
        return principal;
    }

    private ObjectNode toJson(ServicePrincipal principal) {
        ObjectNode application = ownApplication(principal);
        ObjectNode json = Json.object();
        json.put("id", principal.id);
        json.put("appId", principal.appId);
        json.put("displayName", application == null ? principal.displayName : application.get("displayName").asString());
        json.put("servicePrincipalType", principal.type);
        json.put("appOwnerOrganizationId", principal.appOwnerOrganizationId);
        json.put("appRoleAssignmentRequired", principal.appRoleAssignmentRequired);
        json.set("appRoles", appRoles(principal));
        json.set("oauth2PermissionScopes", application == null ? principal.oauth2PermissionScopes.deepCopy()
                : application.path("api").path("oauth2PermissionScopes").isArray()
                        ? application.get("api").get("oauth2PermissionScopes").deepCopy() : Json.array());
        json.set("tags", Json.strings(principal.tags));
        return json;
    }

    /** The tenant's application behind a principal; null for Microsoft's and managed identities. */
    private ObjectNode ownApplication(ServicePrincipal principal) {
        if (!ServicePrincipal.APPLICATION.equals(principal.type)
                || !directory.tenantId().equals(principal.appOwnerOrganizationId)) {
            return null;
        }
        return applicationByAppId(principal.appId);
    }

    /** An application's principal shows the application's app roles as they are now. */
    private ArrayNode appRoles(ServicePrincipal principal) {
        ObjectNode application = ownApplication(principal);
        return application == null ? principal.appRoles.deepCopy() : (ArrayNode) application.get("appRoles").deepCopy();
    }

    // ---- app role assignments ----

    private SimResponse listAppRoleAssignments(SimRequest request, Matcher path) {
        ServicePrincipal principal = servicePrincipal(path.group("id"));
        List<ObjectNode> found = new ArrayList<>();
        for (AppRoleAssignment assignment : appRoleAssignments) {
            if (assignment.principalId().equals(principal.id)) {
                found.add(toJson(assignment));
            }
        }
        return SimResponse.ok(Json.list(found));
    }

    private SimResponse assignAppRole(SimRequest request, Matcher path) {
        ObjectNode body = request.json();
        String principalId = Json.requiredString(body, "principalId");
        String resourceId = Json.requiredString(body, "resourceId");
        String appRoleId = Json.requiredString(body, "appRoleId");
        ServicePrincipal resource = directory.servicePrincipal(resourceId);
        requireEntraRole(request, resource != null && ownApplication(resource) != null
                ? OWN_APP_ROLE_ADMINS : PRIVILEGED_ROLE_ADMINS);
        String id = path.group("id");
        if (directory.servicePrincipal(id) == null || !directory.referenceAsPrincipal(id)) {
            throw notFound(id);
        }
        if (!principalId.equalsIgnoreCase(id)) {
            throw new SimError(400, "Request_BadRequest",
                    "The principalId of the assignment must be the service principal '" + id + "' of the URL.");
        }
        if (resource == null || !definesAppRole(resource, appRoleId)) {
            throw new SimError(400, "Request_BadRequest", "Permission being assigned was not found on application '"
                    + (resource == null ? resourceId : resource.appId) + "'.");
        }
        for (AppRoleAssignment existing : appRoleAssignments) {
            if (existing.principalId().equalsIgnoreCase(id) && existing.resourceId().equals(resource.id)
                    && existing.appRoleId().equalsIgnoreCase(appRoleId)) {
                throw new SimError(400, "Request_BadRequest", "Permission being assigned already exists on the object.");
            }
        }
        AppRoleAssignment assignment = new AppRoleAssignment(opaqueId(), appRoleId,
                directory.servicePrincipal(id).id, resource.id, Instant.now());
        appRoleAssignments.add(assignment);
        return SimResponse.created(toJson(assignment));
    }

    private boolean definesAppRole(ServicePrincipal resource, String appRoleId) {
        if (DEFAULT_ACCESS_ROLE.equals(appRoleId)) {
            return true;
        }
        for (JsonNode role : appRoles(resource)) {
            if (role.path("id").asString("").equalsIgnoreCase(appRoleId) && role.path("isEnabled").asBoolean(true)) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode toJson(AppRoleAssignment assignment) {
        ServicePrincipal principal = directory.servicePrincipal(assignment.principalId());
        ServicePrincipal resource = directory.servicePrincipal(assignment.resourceId());
        ObjectNode json = Json.object();
        json.put("id", assignment.id());
        json.put("appRoleId", assignment.appRoleId());
        json.put("principalId", assignment.principalId());
        json.put("principalType", "ServicePrincipal");
        json.put("principalDisplayName", principal == null ? null : toJson(principal).get("displayName").asString());
        json.put("resourceId", assignment.resourceId());
        json.put("resourceDisplayName", resource == null ? null : toJson(resource).get("displayName").asString());
        json.put("createdDateTime", assignment.created().toString());
        return json;
    }

    // ---- OAuth2 permission grants ----

    private SimResponse listPermissionGrants(SimRequest request, Matcher path) {
        EqFilter filter = filter(request, "clientId", "resourceId", "consentType");
        List<ObjectNode> found = new ArrayList<>();
        for (PermissionGrant grant : permissionGrants) {
            if (filter == null || filter.accepts("clientId", grant.clientId())
                    && filter.accepts("resourceId", grant.resourceId())
                    && filter.accepts("consentType", grant.consentType())) {
                found.add(grant.toJson());
            }
        }
        return SimResponse.ok(Json.list(found));
    }

    private SimResponse grantPermission(SimRequest request, Matcher path) {
        requireEntraRole(request, PRIVILEGED_ROLE_ADMINS);
        ObjectNode body = request.json();
        String clientId = Json.requiredString(body, "clientId");
        String resourceId = Json.requiredString(body, "resourceId");
        String consentType = Json.requiredString(body, "consentType");
        String scope = Json.requiredString(body, "scope");
        String principalId = Json.string(body, "principalId");
        for (String id : List.of(clientId, resourceId)) {
            if (directory.servicePrincipal(id) == null) {
                throw new SimError(400, "Request_BadRequest", "Service principal '" + id + "' does not exist.");
            }
        }
        boolean allPrincipals = consentType.equals("AllPrincipals");
        if (!allPrincipals && !(consentType.equals("Principal") && principalId != null)) {
            throw new SimError(400, "Request_BadRequest",
                    "consentType must be 'AllPrincipals', or 'Principal' with a principalId.");
        }
        for (PermissionGrant existing : permissionGrants) {
            if (existing.clientId().equalsIgnoreCase(clientId) && existing.resourceId().equalsIgnoreCase(resourceId)
                    && (allPrincipals ? existing.principalId() == null : principalId.equalsIgnoreCase(existing.principalId()))) {
                throw new SimError(409, "Request_MultipleObjectsWithSameKeyValue",
                        "Permission entry already exists.");
            }
        }
        PermissionGrant grant = new PermissionGrant(opaqueId(), directory.servicePrincipal(clientId).id, consentType,
                allPrincipals ? null : principalId, directory.servicePrincipal(resourceId).id, scope);
        permissionGrants.add(grant);
        return SimResponse.created(grant.toJson());
    }

    /** Only the scope changes (oauth2PermissionGrant: update): how a consent gains a scope. */
    private SimResponse updatePermissionGrant(SimRequest request, Matcher path) {
        requireEntraRole(request, PRIVILEGED_ROLE_ADMINS);
        String scope = Json.requiredString(request.json(), "scope");
        for (int i = 0; i < permissionGrants.size(); i++) {
            PermissionGrant grant = permissionGrants.get(i);
            if (grant.id().equals(path.group("id"))) {
                permissionGrants.set(i, new PermissionGrant(grant.id(), grant.clientId(), grant.consentType(), grant.principalId(),
                        grant.resourceId(), scope));
                return SimResponse.noContent();
            }
        }
        throw new SimError(404, "Request_ResourceNotFound", "Resource '" + path.group("id") + "' does not exist.");
    }

    /** Seeds a consent, as an admin's earlier grant in the portal would have made it. */
    void seedPermissionGrant(String clientId, String resourceId, String scope) {
        permissionGrants.add(new PermissionGrant(opaqueId(), clientId, "AllPrincipals", null, resourceId, scope));
    }

    // ---- shared ----

    private static void requireEntraRole(SimRequest request, Set<String> anyOf) {
        if (!request.caller().hasEntraRole(anyOf)) {
            throw new SimError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
    }

    private static EqFilter filter(SimRequest request, String... properties) {
        return EqFilter.parse(request.query("$filter"), Set.of(properties), "Request_UnsupportedQuery");
    }

    private static SimError notFound(String id) {
        return new SimError(404, "Request_ResourceNotFound", "Resource '" + id
                + "' does not exist or one of its queried reference-property objects are not present.");
    }

    private void addFirstPartyApp(FirstPartyApp app) {
        firstPartyApps.put(app.appId(), app);
        directory.addExisting(firstPartyPrincipal(app));
    }

    private static ServicePrincipal firstPartyPrincipal(FirstPartyApp app) {
        return new ServicePrincipal(UUID.randomUUID().toString(), app.appId(), app.displayName(),
                ServicePrincipal.APPLICATION, Directory.MICROSOFT_TENANT_ID, app.appRoles().deepCopy(),
                app.scopes().deepCopy());
    }

    /** App roles for applications, from value/id pairs. */
    private static ArrayNode applicationRoles(String... valueIdPairs) {
        ArrayNode roles = Json.array();
        for (int i = 0; i < valueIdPairs.length; i += 2) {
            ObjectNode role = roles.addObject();
            role.putArray("allowedMemberTypes").add("Application");
            role.put("description", valueIdPairs[i]);
            role.put("displayName", valueIdPairs[i]);
            role.put("id", valueIdPairs[i + 1]);
            role.put("isEnabled", true);
            role.put("value", valueIdPairs[i]);
        }
        return roles;
    }

    /** Graph's ids of assignments and grants are opaque strings, not GUIDs. */
    private static String opaqueId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
