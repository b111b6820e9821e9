package dev.scepter.installer.azure;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * An App Service web app or one of its deployment slots, as ARM describes it.
 *
 * @param slot the deployment slot's name, or null for the production app
 * @param principalId the system-assigned managed identity, or null when it has none
 * @param userAssignedIdentities the resource ids of its user-assigned identities, which turning on
 *     the system-assigned one must keep
 */
public record WebApp(String subscriptionId, String resourceGroup, String name, String slot, String location, boolean linux,
        String principalId, String defaultHostName, List<String> hostNames, String serverFarmId, List<String> userAssignedIdentities) {

    static WebApp fromArm(JsonNode site) {
        String id = site.path("id").asString("");
        String[] parts = id.split("/");
        // /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{name}[/slots/{slot}]
        String subscription = parts.length > 2 ? parts[2] : "";
        String group = parts.length > 4 ? parts[4] : site.path("properties").path("resourceGroup").asString("");
        String name = parts.length > 8 ? parts[8] : site.path("name").asString("");
        String slot = parts.length > 10 ? parts[10] : null;
        JsonNode identity = site.path("identity");
        String principal = identity.path("principalId").isString() ? identity.path("principalId").asString() : null;
        List<String> userAssigned = new ArrayList<>();
        identity.path("userAssignedIdentities").propertyNames().forEach(userAssigned::add);
        JsonNode properties = site.path("properties");
        List<String> hosts = new ArrayList<>();
        JsonNode enabled = properties.path("enabledHostNames").isArray() ? properties.path("enabledHostNames") : properties.path("hostNames");
        for (JsonNode host : enabled) {
            // The SCM host name serves deployments, not users.
            if (!host.asString().contains(".scm.")) {
                hosts.add(host.asString());
            }
        }
        boolean linux = site.path("kind").asString("").contains("linux") || properties.path("reserved").asBoolean(false);
        return new WebApp(subscription, group, name, slot, site.path("location").asString(""), linux, principal,
                properties.path("defaultHostName").asString(""), List.copyOf(hosts), properties.path("serverFarmId").asString(""),
                List.copyOf(userAssigned));
    }

    /** The ARM path of the app or slot, without the api-version. */
    public String armPath() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/Microsoft.Web/sites/" + name
                + (slot == null ? "" : "/slots/" + slot);
    }

    public boolean isSlot() {
        return slot != null;
    }

    /** How the user knows it: {@code app} or {@code app (slot staging)}. */
    public String label() {
        return slot == null ? name : name + " (slot " + slot + ")";
    }

    /** The app's https base URL on its default host name. */
    public String url() {
        return "https://" + defaultHostName + "/";
    }

}
