package dev.scepter.installer.azure;

import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.AzureState.Registration;
import dev.scepter.installer.azure.ResourceManager.StorageAccount;
import java.util.HashMap;
import java.util.Map;

/**
 * What the changes of one run have made so far, for the changes after them: Azure assigns a
 * principal id when an identity is turned on, an app id when an app is registered, a table endpoint
 * when a storage account is made. Starts as the state read; lives only while one plan is applied.
 */
final class Applied {

    private final AzureState state;
    private final Map<String, WebApp> apps = new HashMap<>();
    private StorageAccount storage;
    private String tableEndpoint;
    private Registration api;
    private Registration certMasterApp;

    Applied(AzureState state) {
        this.state = state;
        this.storage = state.storage();
        this.tableEndpoint = state.tableEndpoint();
        this.api = state.directory().api();
        this.certMasterApp = state.directory().certMasterApp();
    }

    AzureState state() {
        return state;
    }

    /** The app service as it is now: with its identity once that is turned on, created once it is. */
    WebApp app(Instance instance) {
        return apps.getOrDefault(instance.label(), instance.app());
    }

    void app(Instance instance, WebApp now) {
        apps.put(instance.label(), now);
    }

    StorageAccount storage() {
        return storage;
    }

    /** @return null while no table endpoint is configured and no account is made */
    String tableEndpoint() {
        return tableEndpoint;
    }

    void storage(StorageAccount created) {
        storage = created;
        tableEndpoint = created.tableEndpoint();
    }

    Registration api() {
        return api;
    }

    void api(Registration now) {
        api = now;
    }

    Registration certMasterApp() {
        return certMasterApp;
    }

    void certMasterApp(Registration now) {
        certMasterApp = now;
    }

    /** Certificate Master's address, on its first host name. */
    String certMasterUrl() {
        WebApp app = app(state.certMaster());
        return "https://" + (app.hostNames().isEmpty() ? app.defaultHostName() : app.hostNames().get(0)) + "/";
    }

    /** Certificate Master talks to the slot being updated when one is named, else to production. */
    String scepmanUrl(boolean slotNamed) {
        return slotNamed ? app(state.cores().get(0)).url() : state.production().url();
    }
}
