package dev.scepter.installer.azure;

import dev.scepter.installer.azure.AzureState.Registration;
import dev.scepter.installer.azure.Manifests.AppRole;
import dev.scepter.installer.azure.MicrosoftGraph.ServicePrincipal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An app registration as the installer wants it: its app roles (appended, never replaced), the
 * identifier URI {@code api://{appId}}, a service principal that requires an assignment, and for
 * an app users sign in to, its redirect URIs, ID tokens and Graph User.Read. Says what one lacks
 * ({@link #missing}) and adds it ({@link #ensure}).
 */
final class Registrations {

    private final MicrosoftGraph graph;

    Registrations(MicrosoftGraph graph) {
        this.graph = graph;
    }

    /**
     * What an app registration lacks, said for the user; what {@link #ensure} adds.
     *
     * @param redirectUris null for an API that nobody signs in to
     */
    static List<String> missing(Registration registration, List<AppRole> roles, List<String> redirectUris) {
        JsonNode app = registration.application();
        ServicePrincipal principal = registration.principal();
        List<String> missing = new ArrayList<>();
        if (app == null) {
            missing.add(redirectUris == null
                    ? "register it with the app roles " + roles.stream().map(AppRole::value).collect(Collectors.joining(", "))
                    : "register it with " + roles.size() + " app roles (" + roles.get(0).value() + " among them), sign-in for "
                            + String.join(", ", redirectUris) + ", ID tokens and Graph User.Read");
        } else {
            List<String> absent = missingRoles(app, roles);
            if (!absent.isEmpty()) {
                missing.add("add the app roles " + String.join(", ", absent));
            }
            if (redirectUris != null) {
                List<String> present = MicrosoftGraph.strings(app.path("web").path("redirectUris"));
                List<String> uris = redirectUris.stream().filter(u -> !present.contains(u)).toList();
                if (!uris.isEmpty()) {
                    missing.add("add the redirect URIs " + String.join(", ", uris));
                }
                if (!issuesIdTokens(app)) {
                    missing.add("issue ID tokens");
                }
                if (!requestsUserRead(app)) {
                    missing.add("request Graph User.Read");
                }
            }
        }
        if (app == null || !MicrosoftGraph.strings(app.path("identifierUris")).contains("api://" + app.path("appId").asString())) {
            missing.add("set its identifier URI api://{appId}");
        }
        if (principal == null || !principal.appRoleAssignmentRequired()) {
            missing.add(principal == null ? "create its service principal (assignment required)" : "require app role assignment");
        }
        return missing;
    }

    /**
     * Creates the app registration, or adds what it lacks, then its service principal.
     *
     * @param redirectUris null for an API that nobody signs in to
     * @return the registration as Graph has it now
     */
    Registration ensure(Registration existing, String name, List<AppRole> roles, List<String> redirectUris) throws AzureCallException {
        JsonNode app = ensureApplication(existing.application(), name, roles, redirectUris);
        return new Registration(app, ensureServicePrincipal(app, existing.principal()));
    }

    private JsonNode ensureApplication(JsonNode existing, String name, List<AppRole> roles, List<String> redirectUris) throws AzureCallException {
        JsonNode app = existing;
        if (app == null) {
            ObjectNode body = AzureRest.object();
            body.put("displayName", name);
            body.put("signInAudience", "AzureADMyOrg");
            ArrayNode appRoles = body.putArray("appRoles");
            roles.forEach(r -> appRoles.add(r.toGraph()));
            if (redirectUris != null) {
                body.set("web", web(List.of(), redirectUris));
                body.set("requiredResourceAccess", withUserRead(AzureRest.JSON.createArrayNode()));
            }
            app = graph.createApplication(body);
        }
        ObjectNode changes = AzureRest.object();
        List<String> missing = missingRoles(app, roles);
        if (!missing.isEmpty()) {
            ArrayNode appRoles = changes.putArray("appRoles");
            app.path("appRoles").forEach(appRoles::add);
            roles.stream().filter(r -> missing.contains(r.value())).forEach(r -> appRoles.add(r.toGraph()));
        }
        String identifier = "api://" + app.path("appId").asString();
        List<String> identifiers = MicrosoftGraph.strings(app.path("identifierUris"));
        if (!identifiers.contains(identifier)) {
            ArrayNode uris = changes.putArray("identifierUris");
            identifiers.forEach(uris::add);
            uris.add(identifier);
        }
        if (redirectUris != null) {
            List<String> present = MicrosoftGraph.strings(app.path("web").path("redirectUris"));
            if (!present.containsAll(redirectUris) || !issuesIdTokens(app)) {
                changes.set("web", web(present, redirectUris));
            }
            if (!requestsUserRead(app)) {
                changes.set("requiredResourceAccess", withUserRead(app.path("requiredResourceAccess")));
            }
        }
        if (!changes.isEmpty()) {
            graph.updateApplication(app.path("id").asString(), changes);
        }
        return graph.applicationByName(name).orElse(app);
    }

    private ServicePrincipal ensureServicePrincipal(JsonNode app, ServicePrincipal existing) throws AzureCallException {
        ServicePrincipal principal = existing != null ? existing
                : graph.servicePrincipalByAppId(app.path("appId").asString()).orElse(null);
        if (principal == null) {
            return graph.createServicePrincipal(app.path("appId").asString());
        }
        if (!principal.appRoleAssignmentRequired()) {
            graph.requireAppRoleAssignment(principal.id());
        }
        return graph.servicePrincipalByAppId(app.path("appId").asString()).orElse(principal);
    }

    private static ObjectNode web(List<String> present, List<String> wanted) {
        ObjectNode web = AzureRest.object();
        ArrayNode uris = web.putArray("redirectUris");
        present.forEach(uris::add);
        wanted.stream().filter(u -> !present.contains(u)).forEach(uris::add);
        web.put("homePageUrl", wanted.get(0).replace("/signin-oidc", ""));
        web.putObject("implicitGrantSettings").put("enableIdTokenIssuance", true);
        return web;
    }

    /** What the app requests, plus Graph's User.Read: added to its Graph entry when it has one (one entry per API). */
    private static ArrayNode withUserRead(JsonNode requested) {
        ArrayNode access = AzureRest.JSON.createArrayNode();
        boolean added = false;
        for (JsonNode resource : requested) {
            ObjectNode copy = (ObjectNode) resource.deepCopy();
            if (!added && resource.path("resourceAppId").asString("").equals(MicrosoftGraph.GRAPH_APP_ID)) {
                ArrayNode scopes = copy.withArray("resourceAccess");
                scopes.addObject().put("id", MicrosoftGraph.USER_READ_SCOPE_ID).put("type", "Scope");
                added = true;
            }
            access.add(copy);
        }
        if (!added) {
            ObjectNode graphAccess = access.addObject();
            graphAccess.put("resourceAppId", MicrosoftGraph.GRAPH_APP_ID);
            graphAccess.putArray("resourceAccess").addObject().put("id", MicrosoftGraph.USER_READ_SCOPE_ID).put("type", "Scope");
        }
        return access;
    }

    private static List<String> missingRoles(JsonNode application, List<AppRole> wanted) {
        Set<String> present = new HashSet<>();
        for (JsonNode role : application.path("appRoles")) {
            present.add(role.path("value").asString(""));
        }
        return wanted.stream().map(AppRole::value).filter(v -> !present.contains(v)).toList();
    }

    private static boolean issuesIdTokens(JsonNode application) {
        return application.path("web").path("implicitGrantSettings").path("enableIdTokenIssuance").asBoolean(false);
    }

    private static boolean requestsUserRead(JsonNode application) {
        for (JsonNode resource : application.path("requiredResourceAccess")) {
            if (resource.path("resourceAppId").asString("").equals(MicrosoftGraph.GRAPH_APP_ID)) {
                for (JsonNode access : resource.path("resourceAccess")) {
                    if (access.path("id").asString("").equals(MicrosoftGraph.USER_READ_SCOPE_ID)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
