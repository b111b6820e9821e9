package dev.scepter.installer.azure.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;

/**
 * The tenant's directory objects that both APIs see: users (who call) and service principals
 * (which ARM role assignments and Graph app role assignments name). Guarded by the simulator's lock.
 */
final class Directory {

    static final String MICROSOFT_TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

    private final String tenantId = UUID.randomUUID().toString();
    private final Map<String, SimUser> usersByUpn = new LinkedHashMap<>();
    private final Map<String, ServicePrincipal> servicePrincipals = new LinkedHashMap<>();
    private int replicationDelay;

    String tenantId() {
        return tenantId;
    }

    void addUser(SimUser user) {
        String key = user.upn().toLowerCase(Locale.ROOT);
        if (usersByUpn.containsKey(key)) {
            throw new IllegalArgumentException("user already exists: " + user.upn());
        }
        usersByUpn.put(key, user);
    }

    SimUser user(String upn) {
        return upn == null ? null : usersByUpn.get(upn.toLowerCase(Locale.ROOT));
    }

    void replicationDelay(int calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("negative replication delay");
        }
        replicationDelay = calls;
    }

    /** Adds a principal that already existed before the test (no replication delay). */
    ServicePrincipal addExisting(ServicePrincipal principal) {
        servicePrincipals.put(principal.id, principal);
        return principal;
    }

    /** Creates a principal now, which the directory's replicas learn of only after the delay. */
    ServicePrincipal create(String appId, String displayName, String type, String owner, ArrayNode appRoles,
            ArrayNode scopes) {
        ServicePrincipal principal = new ServicePrincipal(UUID.randomUUID().toString(), appId, displayName, type,
                owner, appRoles, scopes);
        principal.unreplicatedReferences = replicationDelay;
        servicePrincipals.put(principal.id, principal);
        return principal;
    }

    ServicePrincipal createManagedIdentity(String displayName) {
        return create(UUID.randomUUID().toString(), displayName, ServicePrincipal.MANAGED_IDENTITY, null,
                Json.array(), Json.array());
    }

    void remove(ServicePrincipal principal) {
        servicePrincipals.remove(principal.id);
    }

    ServicePrincipal servicePrincipal(String id) {
        return id == null ? null : servicePrincipals.get(id.toLowerCase(Locale.ROOT));
    }

    ServicePrincipal servicePrincipalByAppId(String appId) {
        for (ServicePrincipal principal : servicePrincipals.values()) {
            if (principal.appId.equalsIgnoreCase(appId)) {
                return principal;
            }
        }
        return null;
    }

    List<ServicePrincipal> servicePrincipals() {
        return new ArrayList<>(servicePrincipals.values());
    }

    /**
     * Looks a principal up the way a call that assigns it a role does: a service principal still
     * within its replication delay is not found (and the call counts towards the delay). Users are
     * found too. Answers whether the principal was found.
     */
    boolean referenceAsPrincipal(String id) {
        ServicePrincipal principal = servicePrincipal(id);
        if (principal != null) {
            if (principal.unreplicatedReferences > 0) {
                principal.unreplicatedReferences--;
                return false;
            }
            return true;
        }
        for (SimUser user : usersByUpn.values()) {
            if (user.objectId().equalsIgnoreCase(id)) {
                return true;
            }
        }
        return false;
    }
}
