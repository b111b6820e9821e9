package dev.scepter.installer.azure.sim;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;

/**
 * A service principal of the simulated tenant: Microsoft's (Graph, Intune), an application's, or
 * a site's managed identity. Mutable state, guarded by the simulator's lock.
 */
final class ServicePrincipal {

    static final String APPLICATION = "Application";
    static final String MANAGED_IDENTITY = "ManagedIdentity";

    final String id;
    final String appId;
    final String displayName;
    final String type;
    final String appOwnerOrganizationId;
    /** Own app roles and scopes; an application's principal shows its application's instead. */
    final ArrayNode appRoles;
    final ArrayNode oauth2PermissionScopes;
    boolean appRoleAssignmentRequired;
    List<String> tags = new ArrayList<>();
    /** How many more calls naming it as a principal find it missing (replication delay). */
    int unreplicatedReferences;

    ServicePrincipal(String id, String appId, String displayName, String type, String appOwnerOrganizationId,
            ArrayNode appRoles, ArrayNode oauth2PermissionScopes) {
        this.id = id;
        this.appId = appId;
        this.displayName = displayName;
        this.type = type;
        this.appOwnerOrganizationId = appOwnerOrganizationId;
        this.appRoles = appRoles;
        this.oauth2PermissionScopes = oauth2PermissionScopes;
    }
}
