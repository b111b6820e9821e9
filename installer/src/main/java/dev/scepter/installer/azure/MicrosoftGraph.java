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

    public Optional<JsonNode> applicationByName(String displayName) throws AzureCallException {
        JsonNode found = rest.get(GRAPH, "/v1.0/applications?$filter=" + AzureRest.encode("displayName eq '" + displayName.replace("'", "''") + "'")).path("value");
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    public JsonNode createApplication(ObjectNode application) throws AzureCallException {
        return rest.post(GRAPH, "/v1.0/applications", application);
    }

    public void updateApplication(String objectId, ObjectNode changes) throws AzureCallException {
        rest.patch(GRAPH, "/v1.0/applications/" + objectId, changes);
    }

    public Optional<ServicePrincipal> servicePrincipalByAppId(String appId) throws AzureCallException {
        JsonNode found = rest.get(GRAPH, "/v1.0/servicePrincipals?$filter=" + AzureRest.encode("appId eq '" + appId + "'")).path("value");
        return found.isEmpty() ? Optional.empty() : Optional.of(servicePrincipal(found.get(0)));
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
        for (JsonNode a : rest.get(GRAPH, "/v1.0/servicePrincipals/" + principalId + "/appRoleAssignments").path("value")) {
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

    /** The delegated scopes consented for all users from a client to a resource. */
    public Set<String> consentedScopes(String clientId, String resourceId) throws AzureCallException {
        Set<String> scopes = new HashSet<>();
        for (JsonNode g : rest.get(GRAPH, "/v1.0/oauth2PermissionGrants?$filter=" + AzureRest.encode("clientId eq '" + clientId + "'")).path("value")) {
            if (g.path("resourceId").asString("").equals(resourceId) && g.path("consentType").asString("").equals("AllPrincipals")) {
                scopes.addAll(List.of(g.path("scope").asString("").trim().split("\\s+")));
            }
        }
        scopes.remove("");
        return scopes;
    }

    public void grantConsent(String clientId, String resourceId, String scope) throws AzureCallException {
        ObjectNode body = AzureRest.object();
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
