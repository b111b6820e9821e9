package dev.scepter.installer.azure.sim;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A storage account; its {@code properties} are what the client last sent, echoed back. */
public final class SimStorageAccount {

    private final Object lock;
    private final String subscriptionId;
    private final String resourceGroup;
    private final String name;
    private final String location;
    private String skuName;
    private String kind;
    private ObjectNode properties;

    SimStorageAccount(Object lock, String subscriptionId, String resourceGroup, String name, String location,
            String skuName, String kind, ObjectNode properties) {
        this.lock = lock;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.location = location;
        this.skuName = skuName;
        this.kind = kind;
        this.properties = properties.deepCopy();
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

    public String location() {
        return location;
    }

    public String id() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Storage/storageAccounts/" + name;
    }

    public String skuName() {
        synchronized (lock) {
            return skuName;
        }
    }

    public String kind() {
        synchronized (lock) {
            return kind;
        }
    }

    /** A copy of the properties the client set (minimumTlsVersion, allowBlobPublicAccess, ...). */
    public JsonNode properties() {
        synchronized (lock) {
            return properties.deepCopy();
        }
    }

    /** An update: the given sku, kind and properties replace those of the account. */
    void update(String skuName, String kind, ObjectNode properties) {
        if (skuName != null) {
            this.skuName = skuName;
        }
        if (kind != null) {
            this.kind = kind;
        }
        if (properties != null) {
            this.properties.setAll(properties.deepCopy());
        }
    }

    ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("id", id());
        json.put("name", name);
        json.put("type", "Microsoft.Storage/storageAccounts");
        json.put("location", location);
        json.put("kind", kind);
        json.putObject("sku").put("name", skuName);
        ObjectNode echoed = json.putObject("properties");
        echoed.setAll(properties.deepCopy());
        echoed.put("provisioningState", "Succeeded");
        ObjectNode endpoints = echoed.putObject("primaryEndpoints");
        endpoints.put("table", "https://" + name + ".table.core.windows.net/");
        endpoints.put("blob", "https://" + name + ".blob.core.windows.net/");
        return json;
    }
}
