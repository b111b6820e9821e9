package dev.scepter.installer.azure.sim;

import tools.jackson.databind.node.ObjectNode;

/** A delegated permission grant (admin consent): {@code clientId} may call {@code resourceId} with {@code scope}. */
public record PermissionGrant(String id, String clientId, String consentType, String principalId, String resourceId,
        String scope) {

    ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("id", id);
        json.put("clientId", clientId);
        json.put("consentType", consentType);
        json.put("principalId", principalId);
        json.put("resourceId", resourceId);
        json.put("scope", scope);
        return json;
    }
}
