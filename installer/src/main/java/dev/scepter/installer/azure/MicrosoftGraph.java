package dev.scepter.installer.azure;

import static dev.scepter.installer.azure.AzureRest.Api.GRAPH;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The Microsoft Graph (v1.0) calls the installer makes: app registrations, service principals, grants. */
public final class MicrosoftGraph {

    public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    public static final String INTUNE_APP_ID = "c161e42e-d4df-4a3d-9b42-e7a3c31f59d4";
    /** Graph's delegated User.Read scope, the same id in every tenant. */
    public static final String USER_READ_SCOPE_ID = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

    private final AzureRest rest;

    public MicrosoftGraph(AzureRest rest) {
        this.rest = rest;
    }

    /** A service principal and the app roles it defines (value to id). */
    public record ServicePrincipal(String id, String appId, String displayName, boolean appRoleAssignmentRequired, JsonNode appRoles) {

        public Optional<String> appRoleId(String value) {
            for (JsonNode role : appRoles) {
                if (role.path("value").asString("").equals(value)) {
                    return Optional.of(role.path("id").asString());
                }
            }
            return Optional.empty();
        }
    }

    /** The app registration of that name; two of them are an error, since either could be the one in use. */
    public Optional<JsonNode> applicationByName(String displayName) throws AzureCallException {
        List<JsonNode> found = rest.list(GRAPH, "/v1.0/applications?$filter=" + AzureRest.encode("displayName eq '" + displayName.replace("'", "''") + "'"));
        if (found.size() > 1) {
            throw new AzureCallException("GET", "/v1.0/applications", 200, "AmbiguousName", found.size() + " app registrations are named "
                    + displayName + " (" + found.stream().map(a -> a.path("appId").asString("")).collect(java.util.stream.Collectors.joining(", "))
                    + "): delete the ones not in use, or name another with --api-app-name / --certmaster-app-name");
        }
        return found.stream().findFirst();
    }

    public JsonNode createApplication(ObjectNode application) throws AzureCallException {
        return rest.post(GRAPH, "/v1.0/applications", application);
    }

    public void updateApplication(String objectId, ObjectNode changes) throws AzureCallException {
        rest.patch(GRAPH, "/v1.0/applications/" + objectId, changes);
    }

    public Optional<ServicePrincipal> servicePrincipalByAppId(String appId) throws AzureCallException {
        return rest.list(GRAPH, "/v1.0/servicePrincipals?$filter=" + AzureRest.encode("appId eq '" + appId + "'")).stream()
                .findFirst().map(MicrosoftGraph::servicePrincipal);
    }

    public ServicePrincipal createServicePrincipal(String appId) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        body.put("appId", appId);
        body.put("appRoleAssignmentRequired", true);
        return servicePrincipal(rest.writeForNewPrincipal(GRAPH, "POST", "/v1.0/servicePrincipals", body));
    }

    /** Only assigned users and apps may get tokens for it: the roles are the permission. */
    public void requireAppRoleAssignment(String servicePrincipalId) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        body.put("appRoleAssignmentRequired", true);
        rest.patch(GRAPH, "/v1.0/servicePrincipals/" + servicePrincipalId, body);
    }

    /** The app role ids granted to a principal, per resource service principal id ("resourceId appRoleId"). */
    public Set<String> appRoleAssignments(String principalId) throws AzureCallException {
        Set<String> granted = new HashSet<>();
        for (JsonNode a : rest.list(GRAPH, "/v1.0/servicePrincipals/" + principalId + "/appRoleAssignments")) {
            granted.add(a.path("resourceId").asString("") + " " + a.path("appRoleId").asString(""));
        }
        return granted;
    }

    /** Grants an application permission; an existing grant counts as done. */
    public void assignAppRole(String principalId, String resourceId, String appRoleId) throws AzureCallException {
        ObjectNode body = AzureRest.object();
        body.put("principalId", principalId);
        body.put("resourceId", resourceId);
        body.put("appRoleId", appRoleId);
        try {
            rest.writeForNewPrincipal(GRAPH, "POST", "/v1.0/servicePrincipals/" + principalId + "/appRoleAssignments", body);
        } catch (AzureCallException e) {
            if (!e.detail().contains("already exists")) {
                throw e;
            }
        }
    }

    /** The consent for all users from a client to a resource, if there is one. */
    public Optional<JsonNode> consentForAll(String clientId, String resourceId) throws AzureCallException {
        for (JsonNode g : rest.list(GRAPH, "/v1.0/oauth2PermissionGrants?$filter=" + AzureRest.encode("clientId eq '" + clientId + "'"))) {
            if (g.path("resourceId").asString("").equals(resourceId) && g.path("consentType").asString("").equals("AllPrincipals")) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    static Set<String> scopes(JsonNode grant) {
        Set<String> scopes = new java.util.LinkedHashSet<>(List.of(grant.path("scope").asString("").trim().split("\\s+")));
        scopes.remove("");
        return scopes;
    }

    /** Consents for all users; an existing consent gains the scope (Graph keeps one grant per client and resource). */
    public void grantConsent(String clientId, String resourceId, String scope) throws AzureCallException {
        Optional<JsonNode> existing = consentForAll(clientId, resourceId);
        ObjectNode body = AzureRest.object();
        if (existing.isPresent()) {
            Set<String> scopes = scopes(existing.get());
            scopes.add(scope);
            body.put("scope", String.join(" ", scopes));
            rest.patch(GRAPH, "/v1.0/oauth2PermissionGrants/" + existing.get().path("id").asString(), body);
            return;
        }
        body.put("clientId", clientId);
        body.put("consentType", "AllPrincipals");
        body.put("resourceId", resourceId);
        body.put("scope", scope);
        rest.writeForNewPrincipal(GRAPH, "POST", "/v1.0/oauth2PermissionGrants", body);
    }

    static ServicePrincipal servicePrincipal(JsonNode sp) {
        return new ServicePrincipal(sp.path("id").asString(""), sp.path("appId").asString(""), sp.path("displayName").asString(""),
                sp.path("appRoleAssignmentRequired").asBoolean(false), sp.path("appRoles"));
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : array) {
            values.add(v.asString());
        }
        return values;
    }
}
