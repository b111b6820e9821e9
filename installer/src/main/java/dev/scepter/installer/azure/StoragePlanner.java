package dev.scepter.installer.azure;

import dev.scepter.installer.azure.AzureState.Instance;
import dev.scepter.installer.azure.AzureState.Target;
import dev.scepter.installer.azure.ResourceManager.StorageAccount;
import java.util.ArrayList;
import java.util.List;

/**
 * Table Storage: creates the storage account when none is configured (an upgrade from 1.x), and
 * gives every managed identity Storage Table Data Contributor on it.
 */
final class StoragePlanner implements Plan.Planner {

    private final ResourceManager arm;

    StoragePlanner(ResourceManager arm) {
        this.arm = arm;
    }

    @Override
    public Plan plan(AzureState state) {
        List<Change> changes = new ArrayList<>();
        Target target = state.target();
        StorageAccount storage = state.storage();
        if (storage == null && state.tableEndpoint() == null && target.storageName() != null) {
            changes.add(new Change("Create the storage account " + target.storageName() + " in " + target.scepmanGroup()
                    + " (StorageV2, Standard_LRS, TLS 1.2, no shared keys, no public blobs)",
                    applied -> applied.storage(arm.createStorageAccount(target.subscription().id(), target.scepmanGroup(), target.storageName(),
                            state.production().location()))));
        }
        if (storage == null && target.storageName() == null) {
            return Plan.of(changes);
        }
        for (Instance instance : state.instances()) {
            boolean has = storage != null && instance.app().principalId() != null
                    && instance.storageRoles().contains(ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR);
            if (!has) {
                changes.add(new Change("Grant Storage Table Data Contributor on storage account " + (storage == null ? target.storageName() : storage.name())
                        + " to the managed identity of " + instance.label(),
                        applied -> arm.assignRole(target.subscription().id(), applied.storage().id(), applied.app(instance).principalId(),
                                ResourceManager.STORAGE_TABLE_DATA_CONTRIBUTOR)));
            }
        }
        return Plan.of(changes);
    }
}
