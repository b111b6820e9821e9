package dev.scepter.installer.azure.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * A web app (App Service site) or one of its deployment slots. Tests seed and inspect it
 * directly; the simulated ARM API reads and changes the same object.
 */
public final class SimSite {

    private final Object lock;
    private final Directory directory;
    private final SimSite parent;
    private final String subscriptionId;
    private final String resourceGroup;
    private final String name;
    private final String slotName;
    private final String location;
    private final boolean linux;
    private final Map<String, String> settings = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> addedHostNames = new ArrayList<>();
    private final Map<String, SimSite> slots = new LinkedHashMap<>();
    private String serverFarmId;
    private boolean httpsOnly = true;
    private String principalId;
    private final List<String> userAssigned = new ArrayList<>();

    private SimSite(Object lock, Directory directory, SimSite parent, String subscriptionId, String resourceGroup,
            String name, String slotName, String location, boolean linux, String serverFarmId) {
        this.lock = lock;
        this.directory = directory;
        this.parent = parent;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.slotName = slotName;
        this.location = location;
        this.linux = linux;
        this.serverFarmId = serverFarmId;
    }

    static SimSite site(Object lock, Directory directory, String subscriptionId, String resourceGroup, String name,
            String location, boolean linux, String serverFarmId) {
        return new SimSite(lock, directory, null, subscriptionId, resourceGroup, name, null, location, linux,
                serverFarmId);
    }

    /** The plan a seeded site runs on: one of its own, named after it. */
    static String defaultPlanId(String subscriptionId, String resourceGroup, String name) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Web/serverfarms/" + name + "-plan";
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    /** The site's name (for a slot, its site's name). */
    public String name() {
        return name;
    }

    /** The slot's name; null for the site itself. */
    public String slotName() {
        return slotName;
    }

    public String location() {
        return location;
    }

    public boolean linux() {
        return linux;
    }

    public String id() {
        String siteId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Web/sites/" + name;
        return slotName == null ? siteId : siteId + "/slots/" + slotName;
    }

    public String defaultHostName() {
        return (slotName == null ? name : name + "-" + slotName) + ".azurewebsites.net";
    }

    public List<String> hostNames() {
        synchronized (lock) {
            List<String> hostNames = new ArrayList<>();
            hostNames.add(defaultHostName());
            hostNames.addAll(addedHostNames);
            return hostNames;
        }
    }

    public String serverFarmId() {
        synchronized (lock) {
            return parent == null ? serverFarmId : parent.serverFarmId();
        }
    }

    public boolean httpsOnly() {
        synchronized (lock) {
            return httpsOnly;
        }
    }

    /** The app settings, live and in insertion order: tests may read and change them. */
    public Map<String, String> settings() {
        return settings;
    }

    /** Adds a user-assigned identity by its resource id, as a deployment that uses one for its Key Vault has. */
    public SimSite addUserAssignedIdentity(String resourceId) {
        synchronized (lock) {
            userAssigned.add(resourceId);
        }
        return this;
    }

    /** The user-assigned identities' resource ids. */
    public List<String> userAssignedIdentities() {
        synchronized (lock) {
            return List.copyOf(userAssigned);
        }
    }

    /** ARM's identity PATCH replaces the set: a type without UserAssigned drops them, else the body's map is kept. */
    void replaceUserAssigned(List<String> resourceIds) {
        synchronized (lock) {
            userAssigned.clear();
            userAssigned.addAll(resourceIds);
        }
    }

    /** The system-assigned identity's principal id; null when the site has none. */
    public String principalId() {
        synchronized (lock) {
            return principalId;
        }
    }

    /**
     * Turns the system-assigned managed identity on (a no-op when it is on already), which creates
     * its service principal in the directory. Returns the principal id.
     */
    public String enableSystemIdentity() {
        synchronized (lock) {
            if (principalId == null) {
                String displayName = slotName == null ? name : name + "/slots/" + slotName;
                principalId = directory.createManagedIdentity(displayName).id;
            }
            return principalId;
        }
    }

    public SimSite addSlot(String slot) {
        if (parent != null) {
            throw new IllegalStateException("a slot has no slots");
        }
        synchronized (lock) {
            String key = slot.toLowerCase(Locale.ROOT);
            if (slots.containsKey(key)) {
                throw new IllegalArgumentException("slot already exists: " + slot);
            }
            SimSite created = new SimSite(lock, directory, this, subscriptionId, resourceGroup, name, slot, location,
                    linux, null);
            slots.put(key, created);
            return created;
        }
    }

    /** The slot of that name; null when there is none. */
    public SimSite slot(String slot) {
        synchronized (lock) {
            return slots.get(slot.toLowerCase(Locale.ROOT));
        }
    }

    public List<SimSite> slots() {
        synchronized (lock) {
            return new ArrayList<>(slots.values());
        }
    }

    /** Binds a custom host name, listed after the default one. */
    public SimSite addHostName(String host) {
        synchronized (lock) {
            addedHostNames.add(host);
        }
        return this;
    }

    void serverFarmId(String serverFarmId) {
        this.serverFarmId = serverFarmId;
    }

    void httpsOnly(boolean httpsOnly) {
        this.httpsOnly = httpsOnly;
    }

    /** Replaces every app setting at once, as ARM's PUT of config/appsettings does. */
    void replaceSettings(Map<String, String> replacement) {
        synchronized (settings) {
            settings.clear();
            settings.putAll(replacement);
        }
    }

    Map<String, String> settingsSnapshot() {
        synchronized (settings) {
            return new LinkedHashMap<>(settings);
        }
    }

    ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("id", id());
        json.put("name", slotName == null ? name : name + "/" + slotName);
        json.put("type", slotName == null ? "Microsoft.Web/sites" : "Microsoft.Web/sites/slots");
        json.put("location", location);
        json.put("kind", linux ? "app,linux" : "app");
        if (principalId != null || !userAssigned.isEmpty()) {
            ObjectNode identity = json.putObject("identity");
            identity.put("type", principalId == null ? "UserAssigned"
                    : userAssigned.isEmpty() ? "SystemAssigned" : "SystemAssigned, UserAssigned");
            if (principalId != null) {
                identity.put("principalId", principalId);
                identity.put("tenantId", directory.tenantId());
            }
            if (!userAssigned.isEmpty()) {
                ObjectNode identities = identity.putObject("userAssignedIdentities");
                userAssigned.forEach(id -> identities.putObject(id).put("principalId", "user-assigned"));
            }
        }
        ObjectNode properties = json.putObject("properties");
        properties.put("state", "Running");
        properties.put("resourceGroup", resourceGroup);
        properties.put("defaultHostName", defaultHostName());
        properties.set("hostNames", Json.strings(hostNames()));
        properties.set("enabledHostNames", Json.strings(hostNames()));
        properties.put("serverFarmId", serverFarmId());
        properties.put("httpsOnly", httpsOnly);
        properties.put("reserved", linux);
        return json;
    }
}
