package dev.scepter.installer.azure;

import dev.scepter.installer.AppSettings;
import dev.scepter.installer.azure.MicrosoftGraph.ServicePrincipal;
import dev.scepter.installer.azure.ResourceManager.KeyVault;
import dev.scepter.installer.azure.ResourceManager.StorageAccount;
import dev.scepter.installer.azure.ResourceManager.Subscription;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * An Azure installation as one discovery read it (ARM and Graph): what the planners turn into
 * steps. Nothing in it changes; a check after applying reads a new one.
 *
 * @param cores the deployment slots being updated, then production when it is (its upgrade affects every slot)
 * @param certMaster Certificate Master's app service, or null with {@code --skip-certificate-master}
 * @param storage the storage account of {@code tableEndpoint}, or of the account to create; null when none was found
 * @param tableEndpoint the table endpoint the apps are configured with, or the found account's; null when neither
 * @param vault the key vault of {@code AppConfig:KeyVaultConfig:KeyVaultURL}, or null when none is configured
 * @param warnings what discovery found worth saying before the plan
 */
record AzureState(Target target, WebApp production, List<Instance> cores, Instance certMaster, StorageAccount storage,
        String tableEndpoint, KeyVault vault, Directory directory, List<String> warnings) {

    /** Said in a plan for a value that only an earlier step of it makes. */
    static final String UNKNOWN = "(not yet known)";

    AzureState {
        cores = List.copyOf(cores);
        warnings = List.copyOf(warnings);
    }

    /** The cores, then Certificate Master. */
    List<Instance> instances() {
        List<Instance> all = new ArrayList<>(cores);
        if (certMaster != null) {
            all.add(certMaster);
        }
        return all;
    }

    boolean createCertMaster() {
        return certMaster != null && certMaster.toCreate();
    }

    /**
     * What the first discovery resolved, asking where it had to; a later discovery reads the state
     * again with these.
     *
     * @param certMasterName null with {@code --skip-certificate-master}
     * @param storageName the storage account to create, or null when a table endpoint is configured
     */
    record Target(Subscription subscription, String scepmanName, String scepmanGroup, String certMasterName, String storageName) {

        Target withCertMasterName(String name) {
            return new Target(subscription, scepmanName, scepmanGroup, name, storageName);
        }

        Target withStorageName(String name) {
            return new Target(subscription, scepmanName, scepmanGroup, certMasterName, name);
        }
    }

    /**
     * An app service (the core, a slot of it, or Certificate Master) and what its managed identity holds.
     *
     * @param toCreate Certificate Master that is not there yet: {@code app} is what it will be
     * @param granted the app roles granted to its identity, as "resourceId appRoleId"
     * @param storageRoles the role definitions its identity holds on the storage account
     * @param vaultRoles the role definitions its identity holds on an Azure RBAC key vault
     */
    record Instance(WebApp app, Map<String, String> settingValues, boolean certMaster, boolean toCreate, Set<String> granted,
            List<String> storageRoles, List<String> vaultRoles) {

        Instance {
            settingValues = Collections.unmodifiableMap(new LinkedHashMap<>(settingValues));
            granted = Set.copyOf(granted);
            storageRoles = List.copyOf(storageRoles);
            vaultRoles = List.copyOf(vaultRoles);
        }

        static Instance core(WebApp app, AppSettings settings) {
            return new Instance(app, settings.asMap(), false, false, Set.of(), List.of(), List.of());
        }

        static Instance certMaster(WebApp app, AppSettings settings, boolean toCreate) {
            return new Instance(app, settings.asMap(), true, toCreate, Set.of(), List.of(), List.of());
        }

        Instance withAccess(Set<String> granted, List<String> storageRoles, List<String> vaultRoles) {
            return new Instance(app, settingValues, certMaster, toCreate, granted, storageRoles, vaultRoles);
        }

        /** A copy to read, or to change for a plan. */
        AppSettings settings() {
            return new AppSettings(settingValues, app.linux());
        }

        String principal() {
            return app.principalId() == null ? UNKNOWN : app.principalId();
        }

        String label() {
            return app.label();
        }
    }

    /** An app registration and its service principal; either may be missing (null). */
    record Registration(JsonNode application, ServicePrincipal principal) {

        static final Registration NONE = new Registration(null, null);

        String appId() {
            return application == null ? UNKNOWN : application.path("appId").asString();
        }
    }

    /**
     * What Entra ID holds for the installation.
     *
     * @param intune the Microsoft Intune API, or null in a tenant that does not use Intune
     * @param certMasterApp {@link Registration#NONE} with {@code --skip-certificate-master}
     * @param consentedToUserRead whether all users consented to Certificate Master's Graph User.Read
     */
    record Directory(ServicePrincipal graph, ServicePrincipal intune, Registration api, Registration certMasterApp,
            boolean consentedToUserRead) {
    }
}
