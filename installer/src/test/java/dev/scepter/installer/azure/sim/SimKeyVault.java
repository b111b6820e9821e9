package dev.scepter.installer.azure.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A Key Vault: either RBAC-authorized or with access policies. */
public final class SimKeyVault {

    /** One object's permissions on the vault. */
    public record AccessPolicy(String tenantId, String objectId, List<String> keys, List<String> secrets,
            List<String> certificates) {
        public AccessPolicy {
            keys = List.copyOf(keys);
            secrets = List.copyOf(secrets);
            certificates = List.copyOf(certificates);
        }

        ObjectNode toJson() {
            ObjectNode json = Json.object();
            json.put("tenantId", tenantId);
            json.put("objectId", objectId);
            ObjectNode permissions = json.putObject("permissions");
            permissions.set("keys", Json.strings(keys));
            permissions.set("secrets", Json.strings(secrets));
            permissions.set("certificates", Json.strings(certificates));
            return json;
        }

        /** This policy with the other's permissions added (each kept once, in order). */
        AccessPolicy merge(AccessPolicy other) {
            return new AccessPolicy(tenantId, objectId, union(keys, other.keys), union(secrets, other.secrets),
                    union(certificates, other.certificates));
        }

        private static List<String> union(List<String> a, List<String> b) {
            Set<String> union = new LinkedHashSet<>(a);
            union.addAll(b);
            return new ArrayList<>(union);
        }
    }

    private final Object lock;
    private final String subscriptionId;
    private final String resourceGroup;
    private final String name;
    private final String location;
    private final boolean rbac;
    private final String tenantId;
    private final List<AccessPolicy> accessPolicies = new ArrayList<>();

    SimKeyVault(Object lock, String subscriptionId, String resourceGroup, String name, String location, boolean rbac,
            String tenantId) {
        this.lock = lock;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.location = location;
        this.rbac = rbac;
        this.tenantId = tenantId;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public String name() {
        return name;
    }

    public boolean rbac() {
        return rbac;
    }

    public String id() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.KeyVault/vaults/" + name;
    }

    public String vaultUri() {
        return "https://" + name + ".vault.azure.net/";
    }

    public List<AccessPolicy> accessPolicies() {
        synchronized (lock) {
            return List.copyOf(accessPolicies);
        }
    }

    /** Adds permissions per object id, keeping what an object had; called under the lock. */
    void addAccessPolicy(AccessPolicy added) {
        for (int i = 0; i < accessPolicies.size(); i++) {
            if (accessPolicies.get(i).objectId().equalsIgnoreCase(added.objectId())) {
                accessPolicies.set(i, accessPolicies.get(i).merge(added));
                return;
            }
        }
        accessPolicies.add(added);
    }

    ArrayNode accessPoliciesJson() {
        ArrayNode array = Json.array();
        accessPolicies.forEach(policy -> array.add(policy.toJson()));
        return array;
    }

    ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("id", id());
        json.put("name", name);
        json.put("type", "Microsoft.KeyVault/vaults");
        json.put("location", location);
        ObjectNode properties = json.putObject("properties");
        properties.put("tenantId", tenantId);
        properties.put("vaultUri", vaultUri());
        properties.put("enableRbacAuthorization", rbac);
        properties.set("accessPolicies", accessPoliciesJson());
        return json;
    }
}
